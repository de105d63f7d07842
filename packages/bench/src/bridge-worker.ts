// One side of `junction bench bridge`, in a process of its own so that its CPU time is its alone:
// Junction's bridge (as `junction run` starts it) or the naive pipeline the benchmark compares it with.
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createAwsClients, loadConfig } from "@junction/bridge";
import { connect as connectJunction } from "@junction/sdk";
import { type JsMsg, jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { createProcessMetrics, startBridge, startTracing } from "junction/bench-support";
import pino from "pino";
import { serveWorker } from "./worker-process.ts";

export interface WorkerSetup {
  readonly side: "junction" | "naive";
  readonly natsUrl: string;
  readonly awsUrl: string;
  readonly stream: string;
  /** Junction: the route (and its durable consumer); naive: the durable consumer the parent made. */
  readonly consumer: string;
  readonly subject: string;
  readonly queueName: string;
  readonly queueUrl: string;
  /** Junction with tracing on (`junction bench tracing`): spans exported to this OTLP/HTTP sink. */
  readonly telemetry?: { readonly endpoint: string; readonly sampling: number };
}

/** The naive pipeline's shape, as a careful engineer would write it in an afternoon. */
const NAIVE_BATCHES_IN_FLIGHT = 16;
const NAIVE_LINGER_MS = 5;

async function setupJunction(s: WorkerSetup, fail: (err: unknown) => void): Promise<() => void> {
  startTracing(s.telemetry === undefined ? undefined : { ...s.telemetry, serviceName: "junction-bench" });
  const loaded = loadConfig(
    `nats: { servers: "${s.natsUrl}" }
aws: { region: us-east-1, endpoint: "${s.awsUrl}" }
ops: { listen: "127.0.0.1:0" }
streams: [{ name: ${s.stream}, subjects: ["${s.subject}"] }]
routes:
  - name: ${s.consumer}
    from: { subject: "${s.subject}", stream: ${s.stream} }
    to: [{ type: sqs, queue: ${s.queueName} }]
`,
    { env: {} },
  );
  const metrics = createProcessMetrics();
  const client = await connectJunction({ servers: s.natsUrl, telemetry: metrics.telemetry });
  const aws = createAwsClients({ region: "us-east-1", url: s.awsUrl });
  const logger = pino({ level: "warn" }, pino.destination(2));
  // Started on "go": the route's consumer is created by start(), so nothing is consumed before.
  return () => {
    void startBridge(loaded, { client, aws, logger, registry: metrics.registry }).catch(fail);
  };
}

async function setupNaive(s: WorkerSetup, fail: (err: unknown) => void): Promise<() => void> {
  const nc = await connect({ servers: s.natsUrl });
  const sqs = new SQSClient({
    region: "us-east-1",
    endpoint: s.awsUrl,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const consumer = await jetstream(nc).consumers.get(s.stream, s.consumer);
  return () => {
    void (async () => {
      let batch: JsMsg[] = [];
      let inFlight = 0;
      const slots: (() => void)[] = [];
      const flush = async (msgs: JsMsg[]) => {
        while (inFlight >= NAIVE_BATCHES_IN_FLIGHT) await new Promise<void>((r) => slots.push(r));
        inFlight++;
        try {
          const out = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: s.queueUrl,
              Entries: msgs.map((m, i) => ({ Id: String(i), MessageBody: m.string() })),
            }),
          );
          for (const ok of out.Successful ?? []) msgs[Number(ok.Id)]?.ack();
          for (const f of out.Failed ?? []) msgs[Number(f.Id)]?.nak(1000);
        } catch {
          for (const m of msgs) m.nak(1000);
        } finally {
          inFlight--;
          slots.shift()?.();
        }
      };
      let lastAdd = 0;
      // The tail: a batch that stopped growing goes out after the linger time.
      setInterval(() => {
        if (batch.length > 0 && performance.now() - lastAdd >= NAIVE_LINGER_MS) {
          const b = batch;
          batch = [];
          void flush(b);
        }
      }, NAIVE_LINGER_MS).unref();
      const messages = await consumer.consume({ max_messages: 1000 });
      for await (const m of messages) {
        batch.push(m);
        lastAdd = performance.now();
        if (batch.length === 10) {
          const b = batch;
          batch = [];
          await flush(b);
        }
      }
    })().catch(fail);
  };
}

serveWorker<WorkerSetup>(async (setup, fail) => ({
  start: await (setup.side === "junction" ? setupJunction : setupNaive)(setup, fail),
}));
