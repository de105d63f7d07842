// `junction bench inbound`: SQS → JetStream through Junction's inbound against a naive loop written in
// the benchmark (receive 10 → publish → delete batch), on one nats-server and one local edge endpoint,
// in the same run. Each side runs in its own process, so its CPU time per message is measured alone.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startLocalAws, startNatsServer } from "@junction/local";
import { connect } from "@junction/sdk";
import type { BridgeBenchResult, BridgeRun } from "./bridge.ts";
import type { InboundWorkerSetup } from "./inbound-worker.ts";
import { interleave, median } from "./measure.ts";
import { startWorkerProcess } from "./worker-process.ts";

export interface InboundBenchOptions {
  /** Messages per run; default 20,000. */
  readonly messages?: number;
  /** Interleaved (junction, naive) pairs; default 3, medians reported. */
  readonly pairs?: number;
  /** Receive loops per side; default 4 (Junction's default pollers per queue). */
  readonly pollers?: number;
  readonly onProgress?: (side: string, done: number, total: number) => void;
  readonly onRun?: (run: BridgeRun) => void;
}

export const INBOUND_PAYLOAD_BYTES = 256;
const STREAM = "BENCHIN";
const SUBJECT = "bench.in";
const credentials = { accessKeyId: "local", secretAccessKey: "local" };

export async function benchInbound(opts: InboundBenchOptions = {}): Promise<BridgeBenchResult[]> {
  const messages = opts.messages ?? 20_000;
  const pairs = Math.max(1, opts.pairs ?? 3);
  const pollers = opts.pollers ?? 4;
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-inbound-"));
  const server = await startNatsServer({ storeDir: join(dir, "store"), configDir: dir });
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const sqs = new SQSClient({ region: "us-east-1", endpoint: aws.url, credentials });
  const client = await connect(server.url);
  try {
    const js = client.jetstream();
    await js.ensureStream({ name: STREAM, subjects: [SUBJECT], storage: "file" });
    const jsm = await js.manager();

    let runNo = 0;
    const run = async (side: "junction" | "naive"): Promise<BridgeRun> => {
      const name = `in-${side}-${++runNo}`;
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
      await preload(sqs, queueUrl, messages);
      await jsm.streams.purge(STREAM);
      const setup: InboundWorkerSetup = {
        side,
        natsUrl: server.url,
        awsUrl: aws.url,
        stream: STREAM,
        subject: SUBJECT,
        queueName: name,
        queueUrl,
        pollers,
      };
      const worker = await startWorkerProcess("inbound-worker", side, setup);
      try {
        const started = performance.now();
        worker.go();
        // Done when every message is stored; deletes of the last batch may still be on their way.
        for (;;) {
          await new Promise((r) => setTimeout(r, 50));
          worker.check();
          const stored = (await jsm.streams.info(STREAM)).state.messages;
          opts.onProgress?.(side, Math.min(stored, messages), messages);
          if (stored >= messages) break;
        }
        const seconds = (performance.now() - started) / 1000;
        const cpuMicros = await worker.report();
        const result = { side, msgsPerSecond: messages / seconds, cpuMicrosPerMessage: cpuMicros / messages };
        opts.onRun?.(result);
        return result;
      } finally {
        worker.stop();
        await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
      }
    };

    const runs = await interleave(
      pairs,
      () => run("junction"),
      () => run("naive"),
    );
    const pick = (f: (r: BridgeRun) => number) => ({
      junction: median(runs.junction.map(f)),
      baseline: median(runs.baseline.map(f)),
    });
    const throughput = pick((r) => r.msgsPerSecond);
    const cpu = pick((r) => r.cpuMicrosPerMessage);
    const common = { messages, payloadBytes: INBOUND_PAYLOAD_BYTES };
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

/** `count` messages of 256 B, 16 SendMessageBatch calls in flight. */
async function preload(sqs: SQSClient, QueueUrl: string, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 10);
      const Entries = Array.from({ length: next - first }, (_, k) => {
        const doc = JSON.stringify({ i: first + k, pad: "" });
        return {
          Id: String(k),
          MessageBody: JSON.stringify({ i: first + k, pad: "x".repeat(INBOUND_PAYLOAD_BYTES - doc.length) }),
        };
      });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}
