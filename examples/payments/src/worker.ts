// The Node worker: `payments.authorize` as a durable responder (one run per idempotency key, outcome
// stored) and `payments.sync` as a plain service, both with @junction/sdk. go-worker/ does the same
// from docs/protocol.md alone.
import type { JunctionClient } from "@junction/sdk";
import type { Worker, WorkerOptions } from "@junction/sdk/jetstream";
import type { Connector } from "./connector.ts";

export interface PaymentsWorkerOptions {
  /** First subject token (default `hyperswitch`); another one serves a new version beside the old. */
  readonly prefix?: string;
  /** Stream of the authorize commands (default PAYMENTS). */
  readonly stream?: string;
  /** Durable consumer (default `payments-authorize`, as operationConsumer() names it). */
  readonly durable?: string;
  /** Authorizations running at once (default 64). */
  readonly concurrency?: number;
  readonly maxDeliver?: number;
  readonly backoff?: WorkerOptions["backoff"];
  readonly onError?: (err: Error) => void;
}

export interface PaymentsWorker {
  stop(): Promise<void>;
}

export async function startPaymentsWorker(
  client: JunctionClient,
  connector: Connector,
  options: PaymentsWorkerOptions = {},
): Promise<PaymentsWorker> {
  const prefix = options.prefix ?? "hyperswitch";
  const merchantOf = (subject: string) => subject.split(".")[2] ?? "";
  const authorize: Worker = await client
    .jetstream()
    .durableResponder(
      options.stream ?? "PAYMENTS",
      options.durable ?? "payments-authorize",
      (job) => connector.authorize(merchantOf(job.subject), job.data),
      {
        filterSubject: `${prefix}.payments.*.authorize`,
        concurrency: options.concurrency ?? 64,
        ...(options.maxDeliver === undefined ? {} : { maxDeliver: options.maxDeliver }),
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        ...(options.onError === undefined ? {} : { onError: options.onError }),
      },
    );
  const sync = await client.serve(`${prefix}.payments.{merchantId}.sync`, (ctx) =>
    connector.sync(ctx.captures.merchantId ?? "", ctx.data),
  );
  return {
    async stop() {
      await Promise.all([authorize.stop(), sync.stop()]);
    },
  };
}
