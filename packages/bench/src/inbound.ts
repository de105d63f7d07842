// `junction bench inbound`: SQS → JetStream through Junction's inbound against a naive loop written in
// the benchmark (receive 10 → publish → delete batch), on one nats-server and one local edge endpoint,
// in the same run. Each side runs in its own process, so its CPU time per message is measured alone.
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { InboundWorkerSetup } from "./inbound-worker.ts";
import { benchPipeline, type PipelineBenchOptions, type PipelineResult, payload } from "./pipeline.ts";

const STREAM = "BENCHIN";
const SUBJECT = "bench.in";

/** Default 20,000 messages per run, 4 receive loops a side (Junction's default pollers per queue). */
export async function benchInbound(
  opts: PipelineBenchOptions & { readonly pollers?: number } = {},
): Promise<PipelineResult[]> {
  const messages = opts.messages ?? 20_000;
  return benchPipeline<InboundWorkerSetup>(
    { ...opts, messages },
    "inbound-worker",
    ({ server, aws, sqs, client }) => {
      const js = client.jetstream();
      const ready = js
        .ensureStream({ name: STREAM, subjects: [SUBJECT], storage: "file" })
        .then(() => js.manager());
      return {
        async prepare(side, runNo) {
          const jsm = await ready;
          const name = `in-${side}-${runNo}`;
          const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
          await preload(sqs, queueUrl, messages);
          await jsm.streams.purge(STREAM);
          return {
            setup: {
              side,
              natsUrl: server.url,
              awsUrl: aws.url,
              stream: STREAM,
              subject: SUBJECT,
              queueName: name,
              queueUrl,
              pollers: opts.pollers ?? 4,
            },
            // Done when every message is stored; the last batch's delete may still be on its way.
            done: async () => (await jsm.streams.info(STREAM)).state.messages,
            cleanup: async () => {
              await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
            },
          };
        },
      };
    },
  );
}

/** `count` messages, 16 SendMessageBatch calls in flight. */
async function preload(sqs: SQSClient, QueueUrl: string, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 10);
      const Entries = Array.from({ length: next - first }, (_, k) => ({
        Id: String(k),
        MessageBody: payload(first + k),
      }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}
