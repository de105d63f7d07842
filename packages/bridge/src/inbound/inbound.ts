import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JunctionClient } from "@junction/sdk";
import { sleep } from "@junction/sdk/resilience";
import type { Logger } from "@junction/sdk/telemetry";
import type { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import type { LoadedConfig } from "../config/load.ts";
import { createInboundMetrics } from "./metrics.ts";
import { type Poller, type PollerOptions, startPoller } from "./poller.ts";
import { queueMapper } from "./queue.ts";
import { subscriptionMapper, subscriptionResourceName } from "./subscription.ts";

export interface AwsInboundDeps {
  readonly client: JunctionClient;
  /** The SQS client for look-ups; the hot calls (receive, delete) go through `batch`. */
  readonly aws: Pick<AwsClientSet, "sqs" | "batch">;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface AwsInbound {
  /** Resolves the queues (waiting for any that does not exist yet) and starts polling them. */
  start(): void;
  /** True once every queue is being polled. */
  ready(): boolean;
  stop(): Promise<void>;
}

/** Every `inbound:` queue and `subscriptions:` queue of the config, polled into JetStream. */
export function createAwsInbound(loaded: LoadedConfig, deps: AwsInboundDeps): AwsInbound {
  const { config } = loaded;
  const metrics = createInboundMetrics(deps.registry);
  const js = deps.client.jetstream();
  const halt = new AbortController();
  const pollers: Poller[] = [];
  const sources: (Omit<PollerOptions, "queueUrl"> & { readonly queue: string })[] = [
    ...config.inbound.map((inbound) => {
      const queueName = queueNameOf(inbound.from.queue);
      return { ...inbound, queue: inbound.from.queue, queueName, map: queueMapper(inbound, queueName) };
    }),
    ...config.subscriptions.map((subscription) => {
      const queueName = subscriptionResourceName(subscription);
      return { ...subscription, queue: queueName, queueName, map: subscriptionMapper(subscription) };
    }),
  ];
  let starting: Promise<void>[] = [];

  const startOne = async (source: (typeof sources)[number]) => {
    const log = deps.logger.child({ inbound: source.name, queue: source.queueName });
    let queueUrl: string | undefined = /^https?:\/\//.test(source.queue) ? source.queue : undefined;
    for (let attempt = 0; queueUrl === undefined; attempt++) {
      try {
        queueUrl = (await deps.aws.sqs.send(new GetQueueUrlCommand({ QueueName: source.queue }))).QueueUrl;
      } catch (err) {
        if (halt.signal.aborted) return;
        // Not fatal: `junction provision` (or whoever owns the queue) may create it any moment.
        if (attempt === 0)
          log.error({ err }, "queue not found; run `junction provision`; retrying every 5 s");
        await sleep(5000, halt.signal);
        if (halt.signal.aborted) return;
      }
    }
    await warnWithoutDlq(deps.aws.sqs, queueUrl, log);
    if (halt.signal.aborted) return;
    pollers.push(
      startPoller({ ...source, queueUrl }, { sqs: deps.aws.batch, js, logger: deps.logger, metrics }),
    );
    log.info({ pollers: source.pollers }, "polling");
  };

  return {
    start() {
      starting = sources.map(startOne);
    },
    ready: () => pollers.length === sources.length,
    async stop() {
      halt.abort();
      await Promise.all(starting);
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}

function queueNameOf(queue: string): string {
  return /^https?:\/\//.test(queue) ? (new URL(queue).pathname.split("/").pop() ?? queue) : queue;
}

/** Without a redrive policy a message that can never be published would come back forever. */
async function warnWithoutDlq(sqs: SQSClient, QueueUrl: string, log: Logger): Promise<void> {
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedrivePolicy"] }),
    );
    if (Attributes?.RedrivePolicy === undefined)
      log.warn(
        {},
        "the queue has no redrive policy: a message that cannot be published is received again forever",
      );
  } catch (err) {
    log.warn({ err }, "cannot read the queue's redrive policy");
  }
}
