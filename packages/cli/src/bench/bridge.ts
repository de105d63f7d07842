// `junction bench bridge`: JetStream → SQS through Junction's bridge against a naive pipeline written
// here (pull consumer → SendMessageBatch → ack), on one nats-server and one local edge endpoint, in the
// same run. Each side runs in its own process, so its CPU time per message is measured alone.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startLocalAws, startNatsServer } from "@junction/local";
import { connect } from "@junction/sdk";
import type { WorkerSetup } from "./bridge-worker.ts";
import { interleave, median } from "./measure.ts";
import { startWorkerProcess } from "./worker-process.ts";

export interface BridgeBenchResult {
  readonly metric: "throughput" | "cpu per message";
  readonly messages: number;
  readonly payloadBytes: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: junction/baseline for throughput, baseline/junction for CPU per message. */
  readonly ratio: number;
  readonly unit: string;
}

export interface BridgeRun {
  readonly side: "junction" | "naive";
  readonly msgsPerSecond: number;
  readonly cpuMicrosPerMessage: number;
}

export interface BridgeBenchOptions {
  /** Messages per run; default 100,000. */
  readonly messages?: number;
  /** Interleaved (junction, naive) pairs; default 3, medians reported. */
  readonly pairs?: number;
  /** Called while a run goes on (delivered so far) and when it ends. */
  readonly onProgress?: (side: string, delivered: number, total: number) => void;
  readonly onRun?: (run: BridgeRun) => void;
}

export const PAYLOAD_BYTES = 256;
const STREAM = "BENCH";
const SUBJECT = "bench.*";
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const encoder = new TextEncoder();

export async function benchBridge(opts: BridgeBenchOptions = {}): Promise<BridgeBenchResult[]> {
  const messages = opts.messages ?? 100_000;
  const pairs = Math.max(1, opts.pairs ?? 3);
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-bridge-"));
  const server = await startNatsServer({ storeDir: join(dir, "store"), configDir: dir });
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const sqs = new SQSClient({ region: "us-east-1", endpoint: aws.url, credentials });
  const client = await connect(server.url);
  try {
    const js = client.jetstream();
    await js.ensureStream({ name: STREAM, subjects: [SUBJECT], storage: "file" });
    // 256-byte JSON documents, 16 subjects, published once and consumed from the start by every run.
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < messages; i++) {
      const doc = JSON.stringify({ i, pad: "" });
      const body = JSON.stringify({ i, pad: "x".repeat(PAYLOAD_BYTES - doc.length) });
      acks.push(js.publish(`bench.s${i % 16}`, encoder.encode(body)));
    }
    await Promise.all(acks);
    const jsm = await js.manager();

    let runNo = 0;
    const run = async (side: "junction" | "naive"): Promise<BridgeRun> => {
      const name = `${side}-${++runNo}`;
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
      if (side === "naive") {
        await jsm.consumers.add(STREAM, {
          durable_name: name,
          ack_policy: "explicit",
          filter_subject: SUBJECT,
          max_ack_pending: 512, // as Junction's default route concurrency
        } as Parameters<typeof jsm.consumers.add>[1]);
      }
      const setup: WorkerSetup = {
        side,
        natsUrl: server.url,
        awsUrl: aws.url,
        stream: STREAM,
        consumer: name,
        subject: SUBJECT,
        queueName: name,
        queueUrl,
      };
      const worker = await startWorkerProcess("bridge-worker", side, setup);
      try {
        const started = performance.now();
        worker.go();
        // Done when the consumer exists and holds nothing: every message acked after SQS took it.
        for (;;) {
          await new Promise((r) => setTimeout(r, 50));
          worker.check();
          const info = await jsm.consumers.info(STREAM, name).catch(() => undefined);
          if (info === undefined) continue;
          const delivered = info.ack_floor.stream_seq;
          opts.onProgress?.(side, Math.min(delivered, messages), messages);
          if (info.num_pending === 0 && info.num_ack_pending === 0 && delivered > 0) break;
        }
        const seconds = (performance.now() - started) / 1000;
        const cpuMicros = await worker.report();
        const depth = await queueDepth(sqs, queueUrl);
        if (depth < messages) throw new Error(`${side}: ${depth} of ${messages} messages reached SQS`);
        const result = { side, msgsPerSecond: messages / seconds, cpuMicrosPerMessage: cpuMicros / messages };
        opts.onRun?.(result);
        return result;
      } finally {
        worker.stop();
        await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
        await jsm.consumers.delete(STREAM, name).catch(() => undefined);
      }
    };

    const runs = await interleave(
      pairs,
      () => run("junction"),
      () => run("naive"),
    );
    const throughput = {
      junction: median(runs.junction.map((r) => r.msgsPerSecond)),
      baseline: median(runs.baseline.map((r) => r.msgsPerSecond)),
    };
    const cpu = {
      junction: median(runs.junction.map((r) => r.cpuMicrosPerMessage)),
      baseline: median(runs.baseline.map((r) => r.cpuMicrosPerMessage)),
    };
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

async function queueDepth(sqs: SQSClient, QueueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}
