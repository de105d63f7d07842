import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, NoRespondersError, RequestTimeoutError } from "../errors/index.ts";
import type { Clock } from "./clock.ts";
import { type Deadline, deadline } from "./deadline.ts";
import { InvalidOptionError } from "./errors.ts";
import { retryPolicy, runWithRetry } from "./retry.ts";
import type { Sleep } from "./sleep.ts";

/** A clock that only moves when the fake sleep says so. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = { now: () => now };
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) return;
    sleeps.push(ms);
    now += ms;
  };
  return { clock, sleep, sleeps, advance: (ms: number) => (now += ms) };
}

const onDeadline = (last: unknown) => new RequestTimeoutError("s", 1000, { cause: last });

describe("retryPolicy: exponential backoff with full jitter", () => {
  it("delay = random · min(maxDelay, base · 2^attempt)", () => {
    const p = retryPolicy({ maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 }, () => 1);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 60, 2000].map((a) => p.delayMs(a)),
      [100, 200, 400, 800, 1000, 1000, 1000, 1000],
    );
    const half = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.5);
    assert.deepEqual(
      [0, 1, 2, 5].map((a) => half.delayMs(a)),
      [50, 100, 200, 500],
    );
    assert.equal(retryPolicy({}, () => 0).delayMs(3), 0);
  });

  it("has defaults and rejects nonsense", () => {
    const p = retryPolicy();
    assert.deepEqual([p.maxAttempts, p.baseDelayMs, p.maxDelayMs], [3, 50, 1000]);
    assert.throws(() => retryPolicy({ maxAttempts: 0 }), InvalidOptionError);
    assert.throws(() => retryPolicy({ maxAttempts: 1.5 }), InvalidOptionError);
    assert.throws(
      () => retryPolicy({ baseDelayMs: -1 }),
      (e: unknown) => {
        return e instanceof InvalidOptionError && e.code === "ERR_INVALID_OPTION";
      },
    );
    assert.throws(() => retryPolicy({ maxDelayMs: Number.NaN }), InvalidOptionError);
  });
});

describe("runWithRetry", () => {
  const retryable = (e: unknown) => e instanceof NoRespondersError;
  const noResponders = () => new NoRespondersError("s");

  function run(opts: { attempts: number; deadlineMs: number; failFirst: number; signal?: AbortSignal }) {
    const t = fakeTime();
    const dl: Deadline = deadline(opts.deadlineMs, t.clock);
    const seen: Array<[number, number]> = [];
    const promise = runWithRetry(
      async (n, remaining) => {
        seen.push([n, remaining]);
        t.advance(10); // each attempt takes 10 ms
        if (n < opts.failFirst) throw noResponders();
        return `ok after ${n + 1}`;
      },
      {
        policy: retryPolicy({ maxAttempts: opts.attempts, baseDelayMs: 100, maxDelayMs: 1000 }, () => 1),
        deadline: dl,
        retryable,
        onDeadline,
        signal: opts.signal,
        sleep: t.sleep,
      },
    );
    return { promise, seen, sleeps: t.sleeps };
  }

  it("retries retryable failures with backoff and gives each attempt the time left", async () => {
    const r = run({ attempts: 5, deadlineMs: 10_000, failFirst: 2 });
    assert.equal(await r.promise, "ok after 3");
    assert.deepEqual(r.sleeps, [100, 200]);
    assert.deepEqual(r.seen, [
      [0, 10_000],
      [1, 9_890],
      [2, 9_680],
    ]);
  });

  it("throws the last error when attempts run out", async () => {
    const r = run({ attempts: 3, deadlineMs: 10_000, failFirst: 99 });
    await assert.rejects(r.promise, NoRespondersError);
    assert.equal(r.seen.length, 3);
  });

  it("never sleeps past the deadline, and ends with the deadline error", async () => {
    const r = run({ attempts: 100, deadlineMs: 500, failFirst: 99 });
    await assert.rejects(r.promise, (e: unknown) => {
      return e instanceof RequestTimeoutError && e.cause instanceof NoRespondersError;
    });
    // 10 + 100 + 10 + 200 + 10 = 330 ms used; the next backoff (400) is cut to the 170 left.
    assert.deepEqual(r.sleeps, [100, 200, 170]);
    assert.equal(r.seen.length, 3);
  });

  it("does not retry what is not retryable", async () => {
    const t = fakeTime();
    let calls = 0;
    await assert.rejects(
      runWithRetry(
        async () => {
          calls++;
          throw new TypeError("boom");
        },
        { policy: retryPolicy({ maxAttempts: 5 }), deadline: deadline(1000, t.clock), retryable, onDeadline },
      ),
      TypeError,
    );
    assert.equal(calls, 1);
  });

  it("without a policy makes exactly one attempt", async () => {
    const t = fakeTime();
    let calls = 0;
    await assert.rejects(
      runWithRetry(
        async () => {
          calls++;
          throw noResponders();
        },
        { deadline: deadline(1000, t.clock), retryable, onDeadline },
      ),
      NoRespondersError,
    );
    assert.equal(calls, 1);
  });

  it("stops with CancelledError when aborted, before an attempt or during a backoff", async () => {
    const aborted = new AbortController();
    aborted.abort();
    const r = run({ attempts: 5, deadlineMs: 10_000, failFirst: 0, signal: aborted.signal });
    await assert.rejects(r.promise, CancelledError);
    assert.equal(r.seen.length, 0);

    // Real sleep: the abort lands in the middle of a long backoff.
    const ac = new AbortController();
    const started = performance.now();
    const p = runWithRetry(
      async () => {
        throw noResponders();
      },
      {
        policy: retryPolicy({ maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }, () => 1),
        deadline: deadline(120_000),
        retryable,
        onDeadline,
        signal: ac.signal,
      },
    );
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, (e: unknown) => e instanceof CancelledError && e.code === "ERR_CANCELLED");
    assert.ok(performance.now() - started < 5_000);
  });
});
