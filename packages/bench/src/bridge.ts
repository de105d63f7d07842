// `junction bench bridge`: JetStream → SQS through Junction's bridge against a naive pipeline written
// here (pull consumer → SendMessageBatch → ack), on one nats-server and one local edge endpoint, in the
// same run. Each side runs in its own process, so its CPU time per message is measured alone.
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { WorkerSetup } from "./bridge-worker.ts";
import { benchPipeline, type PipelineBenchOptions, type PipelineResult, payload } from "./pipeline.ts";

const STREAM = "BENCH";
const SUBJECT = "bench.*";
const encoder = new TextEncoder();

/**
 * Default 100,000 messages per run. With `tracing`, both sides are Junction's bridge: "junction" with
 * spans exported as given, the baseline without telemetry (`junction bench tracing`).
 */
export async function benchBridge(
  opts: PipelineBenchOptions & { readonly tracing?: { endpoint: string; sampling: number } } = {},
): Promise<PipelineResult[]> {
  const messages = opts.messages ?? 100_000;
  return benchPipeline<WorkerSetup>(
    { ...opts, messages },
    "bridge-worker",
    ({ server, aws, sqs, client }) => {
      const js = client.jetstream();
      // Published once, on 16 subjects, and consumed from the start by every run.
      const loaded = (async () => {
        await js.ensureStream({ name: STREAM, subjects: [SUBJECT], storage: "file" });
        const acks: Promise<unknown>[] = [];
        for (let i = 0; i < messages; i++)
          acks.push(js.publish(`bench.s${i % 16}`, encoder.encode(payload(i))));
        await Promise.all(acks);
        return js.manager();
      })();
      return {
        async prepare(side, runNo) {
          const jsm = await loaded;
          const name = `${side}-${runNo}`;
          const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
          const tracing = opts.tracing;
          if (side === "naive" && tracing === undefined) {
            await jsm.consumers.add(STREAM, {
              durable_name: name,
              ack_policy: "explicit",
              filter_subject: SUBJECT,
              max_ack_pending: 512, // as Junction's default route concurrency
            } as Parameters<typeof jsm.consumers.add>[1]);
          }
          return {
            setup: {
              side: tracing === undefined ? side : "junction",
              ...(tracing !== undefined && side === "junction" ? { telemetry: tracing } : {}),
              natsUrl: server.url,
              awsUrl: aws.url,
              stream: STREAM,
              consumer: name,
              subject: SUBJECT,
              queueName: name,
              queueUrl,
            },
            // Done when the consumer holds nothing: every message acked after SQS took it.
            async done() {
              const info = await jsm.consumers.info(STREAM, name).catch(() => undefined);
              if (info === undefined || info.num_pending > 0 || info.num_ack_pending > 0)
                return info?.ack_floor.stream_seq ?? 0;
              const { Attributes } = await sqs.send(
                new GetQueueAttributesCommand({
                  QueueUrl: queueUrl,
                  AttributeNames: ["ApproximateNumberOfMessages"],
                }),
              );
              const depth = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
              if (depth < messages)
                throw new Error(`${side}: all acked, but ${depth} of ${messages} messages reached SQS`);
              return messages;
            },
            async cleanup() {
              await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
              await jsm.consumers.delete(STREAM, name).catch(() => undefined);
            },
          };
        },
      };
    },
  );
}
