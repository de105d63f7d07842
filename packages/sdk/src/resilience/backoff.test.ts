import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoff, withJitter } from "./backoff.ts";
import { sleep } from "./sleep.ts";

describe("backoff", () => {
  it("doubles from baseMs and stops at maxMs", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((n) => backoff(n, { baseMs: 100, maxMs: 1000 }));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  });

  it("stays finite for any attempt and treats a negative one as the first", () => {
    assert.equal(backoff(5000, { baseMs: 100, maxMs: 30_000 }), 30_000);
    assert.equal(backoff(-1, { baseMs: 100, maxMs: 30_000 }), 100);
  });

  it("jitters fully over [0, delay] or equally over [delay/2, delay]", () => {
    const at = (r: number) => () => r;
    assert.equal(backoff(2, { baseMs: 100, maxMs: 1000, jitter: "full", random: at(0) }), 0);
    assert.equal(backoff(2, { baseMs: 100, maxMs: 1000, jitter: "full", random: at(0.5) }), 200);
    assert.equal(backoff(2, { baseMs: 100, maxMs: 1000, jitter: "equal", random: at(0) }), 200);
    assert.equal(backoff(2, { baseMs: 100, maxMs: 1000, jitter: "equal", random: at(1) }), 400);
    assert.equal(withJitter(300, "none", at(0)), 300);
  });
});

describe("sleep", () => {
  it("waits, and resolves at once when the signal aborts (before or during)", async () => {
    let started = performance.now();
    await sleep(30);
    assert.ok(performance.now() - started >= 25);

    const ac = new AbortController();
    started = performance.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(60_000, ac.signal);
    assert.ok(performance.now() - started < 10_000);
    await sleep(60_000, ac.signal);
    assert.ok(performance.now() - started < 10_000);
  });
});
