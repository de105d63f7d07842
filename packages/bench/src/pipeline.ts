// What `bench bridge` and `bench inbound` share: one nats-server and one local edge endpoint for the
// whole run, each side measured in a worker process of its own, and the same two results.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type LocalAws, type NatsServer, startLocalAws, startNatsServer } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import { interleave, median } from "./measure.ts";
import { startWorkerProcess } from "./worker-process.ts";

export type Side = "junction" | "naive";

export interface PipelineRun {
  readonly side: Side;
  readonly msgsPerSecond: number;
  readonly cpuMicrosPerMessage: number;
}

export interface PipelineResult {
  readonly metric: "throughput" | "cpu per message";
  readonly messages: number;
  readonly payloadBytes: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: junction/baseline for throughput, baseline/junction for CPU per message. */
  readonly ratio: number;
  readonly unit: string;
}

export interface PipelineBenchOptions {
  /** Messages per run. */
  readonly messages?: number;
  /** Interleaved (junction, naive) pairs; default 3, medians reported. */
  readonly pairs?: number;
  /** Called while a run goes on (messages done so far). */
  readonly onProgress?: (side: Side, done: number, total: number) => void;
  readonly onRun?: (run: PipelineRun) => void;
}

/** Every message in these benchmarks is a 256-byte JSON document. */
export const PAYLOAD_BYTES = 256;

export function payload(i: number): string {
  const doc = JSON.stringify({ i, pad: "" });
  return JSON.stringify({ i, pad: "x".repeat(PAYLOAD_BYTES - doc.length) });
}

export interface PipelineStack {
  readonly server: NatsServer;
  readonly aws: LocalAws;
  readonly sqs: SQSClient;
  readonly client: JunctionClient;
}

/**
 * Starts the stack, runs `prepare(side)` then a worker of `module` per run, (junction, naive) pairs
 * interleaved, each run done when `done()` says so; answers the medians as results.
 */
export async function benchPipeline<S>(
  opts: PipelineBenchOptions & { readonly messages: number },
  module: string,
  run: (stack: PipelineStack) => {
    prepare(
      side: Side,
      runNo: number,
    ): Promise<{ setup: S; done: () => Promise<number>; cleanup(): Promise<void> }>;
  },
): Promise<PipelineResult[]> {
  const { messages } = opts;
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-"));
  const server = await startNatsServer({ storeDir: join(dir, "store"), configDir: dir });
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const sqs = new SQSClient({
    region: "us-east-1",
    endpoint: aws.url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const client = await connect(server.url);
  try {
    const bench = run({ server, aws, sqs, client });
    let runNo = 0;
    const measure = async (side: Side): Promise<PipelineRun> => {
      const { setup, done, cleanup } = await bench.prepare(side, ++runNo);
      const worker = await startWorkerProcess(module, side, setup);
      try {
        const started = performance.now();
        worker.go();
        for (;;) {
          await new Promise((r) => setTimeout(r, 50));
          worker.check();
          const finished = await done();
          opts.onProgress?.(side, Math.min(finished, messages), messages);
          if (finished >= messages) break;
        }
        const seconds = (performance.now() - started) / 1000;
        const cpuMicros = await worker.report();
        const result = { side, msgsPerSecond: messages / seconds, cpuMicrosPerMessage: cpuMicros / messages };
        opts.onRun?.(result);
        return result;
      } finally {
        worker.stop();
        await cleanup();
      }
    };
    const runs = await interleave(
      Math.max(1, opts.pairs ?? 3),
      () => measure("junction"),
      () => measure("naive"),
    );
    const pick = (f: (r: PipelineRun) => number) => ({
      junction: median(runs.junction.map(f)),
      baseline: median(runs.baseline.map(f)),
    });
    const throughput = pick((r) => r.msgsPerSecond);
    const cpu = pick((r) => r.cpuMicrosPerMessage);
    const common = { messages, payloadBytes: PAYLOAD_BYTES };
    return [
      {
        metric: "throughput",
        ...common,
        ...throughput,
        ratio: throughput.junction / throughput.baseline,
        unit: "msgs/s",
      },
      { metric: "cpu per message", ...common, ...cpu, ratio: cpu.baseline / cpu.junction, unit: "µs/msg" },
    ];
  } finally {
    await client.drain().catch(() => undefined);
    sqs.destroy();
    await aws.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
