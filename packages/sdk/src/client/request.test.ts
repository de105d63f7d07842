import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { startTestNats, type TestNats } from "@junction/testkit";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { connect, type JunctionClient } from "../connect/client.ts";
import {
  CancelledError,
  CircuitOpenError,
  CodecError,
  NoRespondersError,
  RequestTimeoutError,
  ServiceError,
} from "../errors/index.ts";
import { Headers } from "../identity/index.ts";
import { noopTelemetry, type Telemetry } from "../telemetry/index.ts";

const elapsedSince = (t0: number) => performance.now() - t0;

describe("client.request against a real nats-server", () => {
  let nats: TestNats;
  let caller: JunctionClient;
  let responder: JunctionClient;
  const breakerEvents: string[] = [];
  const sends: Array<{ operation: string; code: string | undefined }> = [];
  const telemetry: Telemetry = {
    ...noopTelemetry,
    breakerState: (subject, state) => breakerEvents.push(`${subject}:${state}`),
    startSend: (info) => ({
      run: (fn) => fn(),
      end: (error) => sends.push({ operation: info.operation, code: (error as { code?: string })?.code }),
    }),
  };

  before(async () => {
    nats = await startTestNats({ jetstream: false });
    caller = await connect({ servers: nats.url, name: "caller", telemetry });
    responder = await connect({ servers: nats.url, name: "responder" });
  });
  after(async () => {
    await caller?.drain();
    await responder?.drain();
    await nats?.dispose();
  });

  it("replies: decoded data, identity of the reply derived from the request", async () => {
    await responder.serve<{ n: number }>("math.double", (ctx) => ({ n: ctx.data.n * 2 }));
    const reply = await caller.request<{ n: number }>("math.double", { n: 21 }, { kind: "query" });
    assert.deepEqual(reply.decode(), { n: 42 });
    assert.equal(reply.kind, "reply");
    assert.equal(reply.identity.causationId, reply.identity.correlationId, "a root request: corr = its id");
    assert.deepEqual(sends.at(-1), { operation: "request", code: undefined });
  });

  it("ERR_NO_RESPONDERS when nobody listens (with and without retries)", async () => {
    const t0 = performance.now();
    await assert.rejects(
      caller.request("nobody.home", 1, { retry: false, breaker: false }),
      (e: unknown) => e instanceof NoRespondersError && e.code === "ERR_NO_RESPONDERS",
    );
    await assert.rejects(caller.request("nobody.home", 1, { breaker: false }), NoRespondersError);
    assert.ok(elapsedSince(t0) < 2000, "fails fast, not at the deadline");
    assert.equal(sends.at(-1)?.code, "ERR_NO_RESPONDERS");
  });

  it("ERR_TIMEOUT from a slow responder", async () => {
    await responder.serve("slow.op", async () => {
      await delay(600);
      return "late";
    });
    const t0 = performance.now();
    await assert.rejects(
      caller.request("slow.op", null, { timeoutMs: 150, breaker: false }),
      (e: unknown) => e instanceof RequestTimeoutError && e.code === "ERR_TIMEOUT" && e.timeoutMs === 150,
    );
    const took = elapsedSince(t0);
    assert.ok(took >= 140 && took < 1000, `took ${took}`);
  });

  it("ERR_SERVICE with the responder's code and message (ours and a raw wire-protocol peer)", async () => {
    await responder.serve("svc.teapot", () => {
      throw new ServiceError(418, "I'm a teapot");
    });
    await assert.rejects(caller.request("svc.teapot"), (e: unknown) => {
      return e instanceof ServiceError && e.code === "ERR_SERVICE" && e.serviceCode === 418;
    });
    // A worker in another language: plain NATS with the two headers.
    responder.nc.subscribe("svc.raw", {
      callback: (_err, msg) => {
        const h = natsHeaders();
        h.set("nats-service-error-code", "503");
        h.set("nats-service-error", "database down");
        msg.respond(new Uint8Array(), { headers: h });
      },
    });
    await responder.nc.flush();
    await assert.rejects(caller.request("svc.raw", 1, { retry: false }), (e: unknown) => {
      return e instanceof ServiceError && e.serviceCode === 503 && e.serviceMessage === "database down";
    });
  });

  it("ERR_CODEC when the reply cannot be decoded", async () => {
    responder.nc.subscribe("codec.bad", {
      callback: (_err, msg) => {
        msg.respond("{not json");
      },
    });
    await responder.nc.flush();
    await assert.rejects(
      caller.request("codec.bad", 1),
      (e: unknown) => e instanceof CodecError && e.code === "ERR_CODEC",
    );
  });

  it("ERR_CANCELLED on abort: during the wait and during a backoff, without waiting for the deadline", async () => {
    await responder.serve("slow.cancel", async () => {
      await delay(400);
      return 1;
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    let t0 = performance.now();
    await assert.rejects(
      caller.request("slow.cancel", 1, { timeoutMs: 5000, signal: ac.signal }),
      (e: unknown) => e instanceof CancelledError && e.code === "ERR_CANCELLED",
    );
    assert.ok(elapsedSince(t0) < 300);

    const backoff = new AbortController();
    setTimeout(() => backoff.abort(), 50);
    t0 = performance.now();
    await assert.rejects(
      caller.request("nobody.cancel", 1, {
        timeoutMs: 5000,
        breaker: false,
        retry: { maxAttempts: 5, baseDelayMs: 3000, maxDelayMs: 3000 },
        signal: backoff.signal,
      }),
      CancelledError,
    );
    assert.ok(elapsedSince(t0) < 1000);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(caller.request("slow.cancel", 1, { signal: pre.signal }), CancelledError);
  });

  it("circuit breaker: opens after N failures, half-open lets one trial through, success closes it", async () => {
    const subject = "breaker.svc";
    const breaker = { threshold: 3, resetMs: 300 };
    for (let i = 0; i < 3; i++) {
      await assert.rejects(caller.request(subject, i, { retry: false, breaker }), NoRespondersError);
    }
    await assert.rejects(
      caller.request(subject, 4, { retry: false, breaker }),
      (e: unknown) => e instanceof CircuitOpenError && e.code === "ERR_CIRCUIT_OPEN" && e.retryAfterMs > 0,
    );
    assert.deepEqual(breakerEvents, [`${subject}:open`]);

    await responder.serve(subject, async () => {
      await delay(100);
      return "back";
    });
    await delay(320);
    // Half-open: the first call is the trial; a second one while it runs fails fast.
    const trial = caller.request<string>(subject, 5, { retry: false, breaker });
    await assert.rejects(caller.request(subject, 6, { retry: false, breaker }), CircuitOpenError);
    assert.equal((await trial).decode(), "back");
    assert.equal((await caller.request<string>(subject, 7, { retry: false, breaker })).decode(), "back");
    assert.deepEqual(breakerEvents, [`${subject}:open`, `${subject}:half-open`, `${subject}:closed`]);
  });

  it("circuit breaker: 4xx replies and codec errors do not count as failures", async () => {
    await responder.serve("breaker.4xx", (ctx) => ctx.respondError(404, "no such thing"));
    for (let i = 0; i < 4; i++) {
      await assert.rejects(caller.request("breaker.4xx", i, { breaker: { threshold: 2 } }), ServiceError);
    }
    for (let i = 0; i < 3; i++) {
      await assert.rejects(caller.request("codec.bad", i, { breaker: { threshold: 2 } }), CodecError);
    }
    assert.ok(!breakerEvents.some((e) => e.startsWith("breaker.4xx") || e.startsWith("codec.bad")));
  });

  it("retries no-responders until a responder appears, within the deadline", async () => {
    const t0 = performance.now();
    const pending = caller.request<string>("late.responder", 1, {
      timeoutMs: 4000,
      breaker: false,
      retry: { maxAttempts: 1000, baseDelayMs: 20, maxDelayMs: 80 },
    });
    await delay(300);
    const seen: string[] = [];
    await responder.serve("late.responder", (ctx) => {
      seen.push(ctx.identity.id);
      return "finally";
    });
    assert.equal((await pending).decode(), "finally");
    assert.ok(elapsedSince(t0) >= 290);
    assert.equal(seen.length, 1);
  });

  it("with no responder ever, fails at about the deadline with RequestTimeoutError", async () => {
    const t0 = performance.now();
    await assert.rejects(
      caller.request("never.there", 1, {
        timeoutMs: 600,
        breaker: false,
        retry: { maxAttempts: 10_000, baseDelayMs: 10, maxDelayMs: 100 },
      }),
      // Usually caused by the last no-responders; when the last attempt got only the final millisecond,
      // by that attempt's own timeout.
      (e: unknown) => e instanceof RequestTimeoutError && e.timeoutMs === 600,
    );
    const took = elapsedSince(t0);
    assert.ok(took >= 550 && took < 1500, `took ${took}`);
  });

  it("retries a timeout only with an idempotency key, resending the same message id", async () => {
    // Drops the first delivery of each message id (a lost reply), answers the second.
    const deliveries = new Map<string, number>();
    responder.nc.subscribe("flaky.op", {
      callback: (_err, msg) => {
        const id = msg.headers?.get(Headers.MsgId) ?? "";
        const n = (deliveries.get(id) ?? 0) + 1;
        deliveries.set(id, n);
        if (n > 1) msg.respond(JSON.stringify({ attempt: n, key: msg.headers?.get(Headers.IdempotencyKey) }));
      },
    });
    await responder.nc.flush();
    const retry = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, attemptTimeoutMs: 150 };

    await assert.rejects(
      caller.request("flaky.op", 1, { timeoutMs: 2000, breaker: false, retry }),
      RequestTimeoutError,
    );
    assert.deepEqual([...deliveries.values()], [1], "not retried without a key");

    deliveries.clear();
    const reply = await caller.request<{ attempt: number; key: string }>("flaky.op", 1, {
      timeoutMs: 2000,
      breaker: false,
      retry,
      idempotencyKey: "order-7",
    });
    assert.deepEqual(reply.decode(), { attempt: 2, key: "order-7" });
    assert.equal(deliveries.size, 1, "both attempts carried the same Nats-Msg-Id");
  });
});
