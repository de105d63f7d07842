// `junction bench tracing`: what tracing costs the bridge. The bridge benchmark's workload
// (JetStream → SQS), Junction's bridge with `telemetry:` (spans exported over OTLP/HTTP to a sink here,
// at 100% and at 1% sampling) against the same bridge without it, in the same run.
import { createServer } from "node:http";
import { benchBridge } from "./bridge.ts";
import type { PipelineBenchOptions, PipelineResult } from "./pipeline.ts";

export interface TracingResult extends PipelineResult {
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

export async function benchTracing(
  opts: PipelineBenchOptions & { readonly samplings?: readonly number[] } = {},
): Promise<TracingResult[]> {
  const sink = await startSink();
  try {
    const results: TracingResult[] = [];
    for (const sampling of opts.samplings ?? [1, 0.01]) {
      const runs = await benchBridge({ ...opts, tracing: { endpoint: sink.url, sampling } });
      results.push(...runs.map((r) => ({ ...r, sampling })));
    }
    return results;
  } finally {
    sink.close();
  }
}
