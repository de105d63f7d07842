// `junction bench tracing`: what tracing costs the bridge and the gateway. Each benchmark's workload
// (JetStream → SQS; HTTP → NATS request/reply) with `telemetry:` (spans exported over OTLP/HTTP to a
// sink here, at 100% and at 1% sampling) against the same component without it, in the same run.
import { createServer } from "node:http";
import { benchBridge } from "./bridge.ts";
import { benchGateway, type GatewayBenchOptions, type GatewayBenchResult } from "./gateway.ts";
import type { PipelineBenchOptions, PipelineResult } from "./pipeline.ts";

export interface TracingResult extends PipelineResult {
  readonly sampling: number;
}

export interface GatewayTracingResult extends GatewayBenchResult {
  readonly sampling: number;
}

/** An OTLP/HTTP endpoint that takes every export and keeps nothing: the collector is not measured. */
async function startSink(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Runs `bench` once per sampling with spans going to a sink, each result marked with its sampling. */
async function perSampling<R>(
  samplings: readonly number[],
  bench: (tracing: { endpoint: string; sampling: number }) => Promise<R[]>,
): Promise<(R & { sampling: number })[]> {
  const sink = await startSink();
  try {
    const results: (R & { sampling: number })[] = [];
    for (const sampling of samplings) {
      const runs = await bench({ endpoint: sink.url, sampling });
      results.push(...runs.map((r) => ({ ...r, sampling })));
    }
    return results;
  } finally {
    sink.close();
  }
}

/** The bridge traced ("junction") against the bridge untraced ("baseline"). */
export function benchTracing(
  opts: PipelineBenchOptions & { readonly samplings?: readonly number[] } = {},
): Promise<TracingResult[]> {
  return perSampling(opts.samplings ?? [1, 0.01], (tracing) => benchBridge({ ...opts, tracing }));
}

/** The gateway traced ("junction") against the gateway untraced ("baseline"). */
export function benchGatewayTracing(
  opts: GatewayBenchOptions & { readonly samplings?: readonly number[] } = {},
): Promise<GatewayTracingResult[]> {
  return perSampling(opts.samplings ?? [1, 0.01], (tracing) => benchGateway({ ...opts, tracing }));
}
