import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CircuitOpenError } from "../errors/index.ts";
import { type BreakerState, CircuitBreaker } from "./breaker.ts";
import type { Clock } from "./clock.ts";
import { InvalidOptionError } from "./errors.ts";
import { BreakerRegistry } from "./registry.ts";

function setup(threshold = 3, resetMs = 1000) {
  let now = 0;
  const clock: Clock = { now: () => now };
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker(
    "svc.x",
    { threshold, resetMs },
    { clock, onStateChange: (s) => changes.push(s) },
  );
  const fail = () => breaker.acquire().settle("failure");
  const succeed = () => breaker.acquire().settle("success");
  return { breaker, changes, fail, succeed, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreaker state machine", () => {
  it("opens after `threshold` consecutive failures and then fails fast with retryAfterMs", () => {
    const { breaker, changes, fail, advance } = setup(3, 1000);
    fail();
    fail();
    assert.equal(breaker.state, "closed");
    fail();
    assert.equal(breaker.state, "open");
    assert.deepEqual(changes, ["open"]);
    advance(400);
    assert.throws(
      () => breaker.acquire(),
      (e: unknown) =>
        e instanceof CircuitOpenError && e.code === "ERR_CIRCUIT_OPEN" && e.retryAfterMs === 600,
    );
  });

  it("counts only consecutive failures: a success resets the count; ignored outcomes do not", () => {
    const { breaker, fail, succeed } = setup(3);
    fail();
    fail();
    succeed();
    fail();
    fail();
    breaker.acquire().settle("ignore");
    assert.equal(breaker.state, "closed");
    assert.equal(breaker.failures, 2);
    fail();
    assert.equal(breaker.state, "open");
  });

  it("half-opens after resetMs, lets ONE trial through; its success closes the circuit", () => {
    const { breaker, changes, fail, advance } = setup(1, 1000);
    fail();
    advance(999);
    assert.throws(() => breaker.acquire(), CircuitOpenError);
    advance(1);
    assert.equal(breaker.state, "half-open");
    const trial = breaker.acquire();
    assert.throws(() => breaker.acquire(), CircuitOpenError, "a second call while the trial runs");
    trial.settle("success");
    assert.equal(breaker.state, "closed");
    breaker.acquire().settle("success");
    assert.deepEqual(changes, ["open", "half-open", "closed"]);
  });

  it("a failed trial re-opens the circuit for another resetMs", () => {
    const { breaker, changes, fail, advance } = setup(2, 500);
    fail();
    fail();
    advance(500);
    breaker.acquire().settle("failure");
    assert.equal(breaker.state, "open");
    advance(499);
    assert.throws(() => breaker.acquire(), CircuitOpenError);
    advance(1);
    breaker.acquire().settle("success");
    assert.deepEqual(changes, ["open", "half-open", "open", "half-open", "closed"]);
  });

  it("an ignored trial (e.g. cancelled) frees the slot for the next caller", () => {
    const { breaker, fail, advance } = setup(1, 100);
    fail();
    advance(100);
    breaker.acquire().settle("ignore");
    assert.equal(breaker.state, "half-open");
    breaker.acquire().settle("success");
    assert.equal(breaker.state, "closed");
  });

  it("outcomes of calls started under an older state are ignored; each permit settles once", () => {
    const { breaker, fail, advance } = setup(2, 100);
    const early = breaker.acquire();
    fail();
    fail(); // open
    early.settle("success"); // stale: must not close the circuit
    assert.equal(breaker.state, "open");
    advance(100);
    const trial = breaker.acquire();
    trial.settle("success");
    trial.settle("failure"); // second report ignored
    assert.equal(breaker.state, "closed");
  });

  it("validates options", () => {
    assert.throws(() => new CircuitBreaker("s", { threshold: 0 }), InvalidOptionError);
    assert.throws(() => new CircuitBreaker("s", { resetMs: -5 }), InvalidOptionError);
  });
});

describe("BreakerRegistry", () => {
  it("keeps one breaker per subject and reports state changes with the subject", () => {
    const changes: string[] = [];
    const reg = new BreakerRegistry({ onStateChange: (s, state) => changes.push(`${s}:${state}`) });
    const a = reg.get("a", { threshold: 1 });
    assert.equal(reg.get("a"), a);
    assert.notEqual(reg.get("b"), a);
    a.acquire().settle("failure");
    assert.deepEqual(changes, ["a:open"]);
    assert.equal(reg.get("b").state, "closed");
  });

  it("is bounded: forgets stateless breakers first, then the oldest", () => {
    const reg = new BreakerRegistry({ maxBreakers: 3 });
    reg.get("tripped", { threshold: 1 }).acquire().settle("failure");
    reg.get("idle1");
    reg.get("idle2");
    reg.get("new");
    assert.equal(reg.size, 2);
    assert.equal(reg.peek("tripped")?.state, "open");
    assert.equal(reg.peek("idle1"), undefined);
    for (const s of ["x", "y", "z"]) reg.get(s, { threshold: 1 }).acquire().settle("failure");
    assert.ok(reg.size <= 3);
  });
});
