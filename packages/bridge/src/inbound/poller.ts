import type { Message } from "@aws-sdk/client-sqs";
import type { MessageIdentity } from "@junction/sdk";
import type { JunctionJetStream } from "@junction/sdk/jetstream";
import { backoff, sleep } from "@junction/sdk/resilience";
import type { Logger } from "@junction/sdk/telemetry";
import type { BatchCalls } from "../aws/batch-calls.ts";
import { contextOf, inSpan, SpanKind } from "../tracing/index.ts";
import type { InboundMetrics } from "./metrics.ts";

/** What one SQS message becomes on NATS. */
export interface Publication {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly identity: MessageIdentity;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `publish`: into JetStream, then delete. `drop`: delete without publishing (an echo, an event for
 * another subject), with the reason logged at debug. A thrown error means the message cannot be
 * published: it stays in the queue and comes back, until SQS moves it to the queue's DLQ.
 */
export type Mapped =
  | { readonly kind: "publish"; readonly publication: Publication }
  | { readonly kind: "drop"; readonly reason: string };

export interface PollerOptions {
  /** The inbound's or subscription's name: metrics label and log field. */
  readonly name: string;
  readonly queueName: string;
  readonly queueUrl: string;
  readonly pollers: number;
  readonly waitSeconds: number;
  readonly visibilitySeconds: number;
  map(message: Message): Mapped;
}

export interface PollerDeps {
  readonly sqs: BatchCalls;
  readonly js: JunctionJetStream;
  readonly logger: Logger;
  readonly metrics: InboundMetrics;
}

export interface Poller {
  /** Stops receiving; resolves once the batches in hand are published and deleted (or handed back). */
  stop(): Promise<void>;
}

/** Batches whose delete may still be in flight while their receiver receives again. */
const SETTLING_PER_RECEIVER = 4;

/** Outcome of one message of a batch. */
type Settled = "delete" | { readonly retry: string };

/**
 * Long-polls a queue with `pollers` receivers. A batch is published into JetStream (dedup id = SQS
 * message id, so a message received twice is stored once) and deleted only once JetStream acked it.
 * FIFO queues: the messages of a group are published one after another and a failure holds the rest of
 * its group back (SQS hands a group to one receiver at a time, so groups run in parallel, each in
 * order). While a batch is slow its visibility is extended, so SQS does not hand it out twice.
 */
export function startPoller(options: PollerOptions, deps: PollerDeps): Poller {
  const { sqs, js, metrics } = deps;
  const log = deps.logger.child({ inbound: options.name, queue: options.queueName });
  const labels = { inbound: options.name };
  const fifo = options.queueName.endsWith(".fifo");
  const halt = new AbortController();
  let stopped = false;

  const publish = async (message: Message): Promise<Settled> => {
    let mapped: Mapped;
    try {
      mapped = options.map(message);
    } catch (err) {
      return { retry: `cannot map: ${(err as Error).message}` };
    }
    if (mapped.kind === "drop") {
      metrics.dropped.inc(labels);
      log.debug({ messageId: message.MessageId, reason: mapped.reason }, "dropped");
      return "delete";
    }
    const { subject, data, identity, headers } = mapped.publication;
    try {
      // The trace the message carried into AWS goes on: the JetStream publish is a child of this span.
      const ack = await inSpan(
        () => ({
          name: `receive ${options.queueName}`,
          kind: SpanKind.CONSUMER,
          parent: contextOf(headers),
          attributes: {
            "messaging.system": "aws_sqs",
            "messaging.operation.type": "receive",
            "messaging.destination.name": options.queueName,
            "messaging.message.id": message.MessageId ?? "",
            "junction.inbound": options.name,
          },
        }),
        () => js.publish(subject, data, { identity, headers }),
      );
      if (ack.duplicate) metrics.duplicates.inc(labels);
      else metrics.published.inc(labels);
      return "delete";
    } catch (err) {
      return { retry: `cannot publish to ${subject}: ${(err as Error).message}` };
    }
  };

  const handleBatch = async (messages: Message[]) => {
    const outcomes = new Map<Message, Settled>();
    if (fifo) {
      const groups = new Map<string, Message[]>();
      for (const m of messages) {
        const group = m.Attributes?.MessageGroupId ?? "";
        groups.set(group, [...(groups.get(group) ?? []), m]);
      }
      await Promise.all(
        [...groups.values()].map(async (group) => {
          let failure: string | undefined;
          for (const m of group) {
            if (failure !== undefined) {
              outcomes.set(m, { retry: `held back behind an earlier message of its group (${failure})` });
              continue;
            }
            const outcome = await publish(m);
            outcomes.set(m, outcome);
            if (outcome !== "delete") failure = outcome.retry;
          }
        }),
      );
    } else {
      await Promise.all(messages.map(async (m) => outcomes.set(m, await publish(m))));
    }
    return outcomes;
  };

  const settle = async (outcomes: Map<Message, Settled>) => {
    const done = [...outcomes].filter(([, o]) => o === "delete").map(([m]) => m);
    if (done.length > 0) {
      const out = await sqs.deleteMessageBatch({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      });
      // Not deleted: SQS hands it out again and JetStream's dedup drops the second copy.
      for (const f of out.Failed ?? []) log.warn({ code: f.Code }, `delete failed: ${f.Message}`);
    }
    const failed = [...outcomes].filter(([, o]) => o !== "delete") as [Message, { retry: string }][];
    if (failed.length === 0) return;
    metrics.failed.inc(labels, failed.length);
    for (const [m, o] of failed) {
      const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
      log.warn(
        { messageId: m.MessageId, receives },
        `${o.retry}; left in the queue (after its redrive policy's receive count, SQS moves it to the queue's DLQ)`,
      );
    }
    // Back sooner than a full visibility timeout, later with every receive.
    const visibility = (m: Message) =>
      backoff(Number(m.Attributes?.ApproximateReceiveCount ?? 1), {
        baseMs: 1,
        maxMs: options.visibilitySeconds,
      });
    await changeVisibility(
      failed.map(([m]) => m),
      visibility,
    );
  };

  const changeVisibility = async (messages: Message[], seconds: (m: Message) => number) => {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await sqs
        .changeMessageVisibilityBatch({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((m, k) => ({
            Id: String(k),
            ReceiptHandle: m.ReceiptHandle as string,
            VisibilityTimeout: seconds(m),
          })),
        })
        .catch((err: unknown) => log.warn({ err }, "cannot change visibility"));
    }
  };

  /**
   * A batch published into JetStream is safe: its delete (or hand-back) goes on while the receiver
   * asks for the next batch, at most `SETTLING_PER_RECEIVER` of them at once. A delete that never
   * happens only means SQS hands the message out again, and JetStream's dedup drops the copy.
   */
  const receiver = async () => {
    let failures = 0;
    const settling = new Set<Promise<void>>();
    while (!stopped) {
      let messages: Message[];
      try {
        const out = await sqs.receiveMessage(
          {
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: options.waitSeconds,
            VisibilityTimeout: options.visibilitySeconds,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["All"],
          },
          halt.signal,
        );
        messages = out.Messages ?? [];
        failures = 0;
      } catch (err) {
        if (stopped) break;
        log.warn({ err }, "receive failed");
        await sleep(backoff(failures++, { baseMs: 200, maxMs: 10_000 }), halt.signal);
        continue;
      }
      if (messages.length === 0) continue;
      metrics.received.inc(labels, messages.length);
      // A slow publish must not let the messages become visible to another receiver meanwhile.
      const extend = setInterval(
        () => void changeVisibility(messages, () => options.visibilitySeconds),
        (options.visibilitySeconds * 1000) / 2,
      );
      let outcomes: Map<Message, Settled>;
      try {
        // Publishing finishes before the next receive: JetStream's order per FIFO group, bounded memory.
        outcomes = await handleBatch(messages);
      } catch (err) {
        clearInterval(extend);
        log.error({ err }, "batch failed; its messages come back after the visibility timeout");
        continue;
      }
      const settled: Promise<void> = settle(outcomes)
        .catch((err: unknown) => log.warn({ err }, "delete failed; SQS hands the batch out again"))
        .finally(() => {
          clearInterval(extend);
          settling.delete(settled);
        });
      settling.add(settled);
      if (settling.size >= SETTLING_PER_RECEIVER) await Promise.race(settling);
    }
    await Promise.all(settling);
  };

  const running = Array.from({ length: options.pollers }, receiver);
  return {
    async stop() {
      stopped = true;
      halt.abort();
      await Promise.all(running);
    },
  };
}
