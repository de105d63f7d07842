// One side of `junction bench inbound`, in a process of its own: Junction's SQS → JetStream inbound
// (as `junction run` runs it) or the naive loop it is compared with.
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { createAwsClients, createAwsInbound, loadConfig } from "@junction/bridge";
import { connect as connectJunction } from "@junction/sdk";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pino from "pino";
import { Registry } from "prom-client";
import { serveWorker } from "./worker-process.ts";

export interface InboundWorkerSetup {
  readonly side: "junction" | "naive";
  readonly natsUrl: string;
  readonly awsUrl: string;
  readonly stream: string;
  readonly subject: string;
  readonly queueName: string;
  readonly queueUrl: string;
  /** Receive loops, the same for both sides. */
  readonly pollers: number;
}

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

async function setupJunction(s: InboundWorkerSetup): Promise<() => void> {
  const loaded = loadConfig(
    `streams: [{ name: ${s.stream}, subjects: ["${s.subject}"] }]
inbound:
  - { name: bench, from: { type: sqs, queue: ${s.queueName} }, to: "${s.subject}", pollers: ${s.pollers}, waitSeconds: 1 }
`,
    { env: {} },
  );
  const client = await connectJunction(s.natsUrl);
  const aws = createAwsClients({ region: "us-east-1", url: s.awsUrl });
  // The bench's queue has no DLQ on purpose; the warning about it would only clutter the output.
  const logger = pino({ level: "error" }, pino.destination(2));
  const inbound = createAwsInbound(loaded, { client, aws, logger, registry: new Registry() });
  return () => inbound.start();
}

/** Receive 10 → publish each (raw nats.js JetStream, dedup by SQS message id) → delete the batch. */
async function setupNaive(s: InboundWorkerSetup, fail: (err: unknown) => void): Promise<() => void> {
  const nc = await connect({ servers: s.natsUrl });
  const js = jetstream(nc);
  const sqs = new SQSClient({ region: "us-east-1", endpoint: s.awsUrl, credentials });
  const loop = async () => {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: s.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      const stored: Message[] = [];
      await Promise.all(
        Messages.map(async (m) => {
          await js.publish(s.subject, m.Body ?? "", { msgID: m.MessageId as string });
          stored.push(m);
        }),
      );
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: s.queueUrl,
          Entries: stored.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  };
  return () => {
    for (let i = 0; i < s.pollers; i++) loop().catch(fail);
  };
}

serveWorker<InboundWorkerSetup>(async (setup, fail) => ({
  start: await (setup.side === "junction" ? setupJunction(setup) : setupNaive(setup, fail)),
}));
