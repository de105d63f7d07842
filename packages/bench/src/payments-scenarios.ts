// The payment connector's load scenarios for `junction bench payments`: capture, sync and refund
// through the gateway against the seed's p99 budgets, many durable operations in flight at once, and
// many workers of one operation sharing its work. Each is bounded in count and time and reports numbers;
// budgets are the baseline (ratio = budget ÷ measured, ≥ 1.00 is within budget).
import type { JunctionClient } from "@junction/sdk";
import type { Worker } from "@junction/sdk/jetstream";

/** The seed's p99 budgets (ms) for the payment operations that follow authorize. */
export const SCENARIO_BUDGETS_MS = { capture: 1000, sync: 500, refund: 3000 } as const;

export interface ScenarioResult {
  readonly metric: string;
  readonly junction: number;
  /** The budget, or what was asked for. */
  readonly baseline: number;
  readonly ratio: number;
  readonly unit: string;
}

export interface ScenarioOptions {
  /** Requests per second for capture, sync and refund each; default 200. */
  readonly rate?: number;
  /** Seconds per operation at that rate; default 3. */
  readonly seconds?: number;
  /** Durable operations sent at once; default 10,000. */
  readonly inFlight?: number;
  /** Workers on one operation; default 50. */
  readonly workers?: number;
  /** Commands for those workers to share; default 2,000. */
  readonly sharedCommands?: number;
}

/** What the scenarios need from the running benchmark. */
export interface ScenarioDeps {
  readonly client: JunctionClient;
  /** POSTs a JSON body (with an idempotency key, when given) to a gateway path; 200 or a failure. */
  post(path: string, data: string, key?: string): Promise<void>;
  /** Sends `amount` calls at `rate`/s, open loop; fails on the first failed call. */
  atRate(rate: number, amount: number, send: () => Promise<unknown>): Promise<{ readonly p99: number }>;
  /** A fresh number for idempotency keys and payment ids. */
  next(): number;
}

/** Subject of the operation the shared workers serve (the bench's gateway does not route it). */
export const SHARED_SUBJECT = "hyperswitch.payments.m1.void";
const SHARED_DURABLE = "payments-void";
// Long enough for 10,000 commands through one worker process on a busy 2-core machine.
const LOAD_TIMEOUT_MS = 120_000;

export async function benchScenarios(
  deps: ScenarioDeps,
  opts: ScenarioOptions = {},
): Promise<ScenarioResult[]> {
  const rate = opts.rate ?? 200;
  const amount = rate * (opts.seconds ?? 3);
  const results: ScenarioResult[] = [];
  const payment = (i: number) => JSON.stringify({ paymentId: `pay_${i}`, amount: 1250, currency: "EUR" });
  const budget = async (op: keyof typeof SCENARIO_BUDGETS_MS, path: string, durable: boolean) => {
    const run = await deps.atRate(rate, amount, () => {
      const i = deps.next();
      return deps.post(path, payment(i), durable ? `scenario-${i}` : undefined);
    });
    const ms = SCENARIO_BUDGETS_MS[op];
    results.push({
      metric: `${op} p99 @${rate}/s (budget)`,
      junction: run.p99 / 1000,
      baseline: ms,
      ratio: ms / Math.max(run.p99 / 1000, 0.001),
      unit: "ms",
    });
  };
  await budget("capture", "/v1/payments/m1/capture", true);
  await budget("sync", "/v1/payments/m1/sync", false);
  await budget("refund", "/v1/refunds/m1/execute", true);

  const inFlight = opts.inFlight ?? 10_000;
  const done = await allAtOnce(deps, "hyperswitch.payments.m1.authorize", inFlight);
  results.push({ metric: `${inFlight} in flight at once: answered`, ...counted(done, inFlight) });

  const workers = opts.workers ?? 50;
  const shared = await sharedWork(deps, workers, opts.sharedCommands ?? 2000);
  results.push({
    metric: `${workers} workers on one operation: answered`,
    ...counted(shared.answered, shared.asked),
  });
  results.push({
    metric: `${workers} workers on one operation: workers used`,
    ...counted(shared.used, workers, "workers"),
  });
  results.push({
    metric: `${workers} workers on one operation: busiest ÷ fair share`,
    junction: shared.busiest,
    baseline: shared.asked / workers,
    ratio: shared.asked / workers / Math.max(shared.busiest, 1),
    unit: "commands",
  });
  return results;
}

const counted = (got: number, asked: number, unit = "ops") => ({
  junction: got,
  baseline: asked,
  ratio: got / asked,
  unit,
});

/** Sends `count` durable commands at once over NATS and counts the ones answered (any failure throws). */
async function allAtOnce(deps: ScenarioDeps, subject: string, count: number): Promise<number> {
  const js = deps.client.jetstream();
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < count; n++) {
    const i = deps.next();
    sends.push(
      js.durableRequest(
        subject,
        { paymentId: `pay_${i}`, amount: 1250, currency: "EUR" },
        {
          idempotencyKey: `flight-${i}`,
          timeoutMs: LOAD_TIMEOUT_MS,
        },
      ),
    );
  }
  const settled = await Promise.allSettled(sends);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed !== undefined)
    throw new Error(`${count} in flight: ${(failed as PromiseRejectedResult).reason}`);
  return settled.length;
}

/**
 * `workers` durable responders on one consumer (one command at a time each, a 5 ms connector call)
 * share `commands` sent at once: how many were answered, how many workers took part, and the busiest
 * worker's count (the fair share is commands ÷ workers).
 */
async function sharedWork(deps: ScenarioDeps, workers: number, commands: number) {
  const js = deps.client.jetstream();
  const counts = new Array<number>(workers).fill(0);
  const started: Worker[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      started.push(
        await js.durableResponder(
          "PAYMENTS",
          SHARED_DURABLE,
          async () => {
            counts[w] = (counts[w] ?? 0) + 1;
            await new Promise((resolve) => setTimeout(resolve, 5));
            return { status: "voided" };
          },
          { filterSubject: "hyperswitch.payments.*.void", concurrency: 1, batch: 1 },
        ),
      );
    }
    const answered = await allAtOnce(deps, SHARED_SUBJECT, commands);
    return {
      asked: commands,
      answered,
      used: counts.filter((c) => c > 0).length,
      busiest: Math.max(...counts),
    };
  } finally {
    await Promise.all(started.map((w) => w.stop()));
  }
}
