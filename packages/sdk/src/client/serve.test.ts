import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { startTestNats, type TestNats } from "@junction/testkit";
import type { Msg } from "@nats-io/nats-core";
import { connect, type JunctionClient } from "../connect/client.ts";
import { NoRespondersError, ServiceError } from "../errors/index.ts";
import { identityOf, type MessageIdentity } from "../identity/index.ts";
import { noopTelemetry, type ProcessInfo, type Telemetry } from "../telemetry/index.ts";

/** A promise with its resolver, to hold handlers until the test lets them go. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("client.serve against a real nats-server", () => {
  let nats: TestNats;
  let caller: JunctionClient;
  let server: JunctionClient;
  const processed: ProcessInfo[] = [];
  const telemetry: Telemetry = {
    ...noopTelemetry,
    startProcess: (info) => {
      processed.push(info);
      return { run: (fn) => fn(), end: () => {} };
    },
  };

  before(async () => {
    nats = await startTestNats({ jetstream: false });
    caller = await connect({ servers: nats.url, name: "caller" });
    server = await connect({ servers: nats.url, name: "services", telemetry });
  });
  after(async () => {
    await caller?.drain();
    await server?.drain();
    await nats?.dispose();
  });

  it("propagates identity across three hops: client → A → (ctx.request) B → back", async () => {
    let atB: { identity: MessageIdentity; kind: string | undefined } | undefined;
    let replyFromB: MessageIdentity | undefined;
    let eventFromA: MessageIdentity | undefined;
    const events = caller.nc.subscribe("chain.event", { max: 1 });
    await caller.nc.flush();
    await server.serve<{ q: string }>("chain.b", (ctx) => {
      atB = { identity: ctx.identity, kind: ctx.message.kind };
      return { answer: `${ctx.data.q}!` };
    });
    await server.serve<{ q: string }>("chain.a", async (ctx) => {
      const b = await ctx.request<{ answer: string }>("chain.b", { q: ctx.data.q }, { kind: "query" });
      replyFromB = b.identity;
      ctx.publish("chain.event", { seen: true }, { kind: "event" });
      ctx.reply({ via: "a", answer: b.decode().answer });
    });

    const root = await caller.request<{ via: string; answer: string }>("chain.a", { q: "hi" });
    assert.deepEqual(root.decode(), { via: "a", answer: "hi!" });
    for await (const m of events) eventFromA = identityOf(m);

    const rootId = root.identity.causationId as string; // the reply is caused by our request
    assert.ok(rootId);
    assert.equal(root.identity.correlationId, rootId, "our request was a root: corr = its id");
    assert.equal(atB?.identity.correlationId, rootId);
    assert.equal(atB?.kind, "query");
    assert.notEqual(atB?.identity.causationId, undefined);
    const aRequestId = atB?.identity.id as string;
    assert.equal(atB?.identity.causationId, rootId, "A's request to B was caused by our request");
    assert.deepEqual(replyFromB && { c: replyFromB.correlationId, p: replyFromB.causationId }, {
      c: rootId,
      p: aRequestId,
    });
    assert.deepEqual(eventFromA && { c: eventFromA.correlationId, p: eventFromA.causationId }, {
      c: rootId,
      p: rootId,
    });
    assert.equal(root.kind, "reply");
    const aProcess = processed.find((p) => p.destination === "chain.a");
    assert.equal(aProcess?.operation, "serve");
    assert.equal(aProcess?.group, "junction");
  });

  it("extracts captures from {name} / {name>} patterns", async () => {
    await server.serve("orders.{region}.{rest>}", (ctx) => ({
      captures: ctx.captures,
      subject: ctx.subject,
    }));
    const reply = await caller.request("orders.eu.42.items");
    assert.deepEqual(reply.decode(), {
      captures: { region: "eu", rest: "42.items" },
      subject: "orders.eu.42.items",
    });
  });

  it("maps handler failures: thrown Error → 500, ServiceError keeps its code, bad request → 400", async () => {
    await server.serve<{ kind: string }>("fail.{how}", (ctx) => {
      if (ctx.captures.how === "boom") throw new Error("boom\nwith a line break");
      if (ctx.captures.how === "conflict") throw new ServiceError(409, "version conflict");
      if (ctx.captures.how === "explicit") return ctx.respondError(422, "bad field");
      return ctx.data.kind;
    });
    const code = async (subject: string, data?: unknown) => {
      const err = await caller.request(subject, data, { breaker: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ServiceError, `${subject}: ${String(err)}`);
      return [err.serviceCode, err.serviceMessage];
    };
    assert.deepEqual(await code("fail.boom"), [500, "boom with a line break"]);
    assert.deepEqual(await code("fail.conflict"), [409, "version conflict"]);
    assert.deepEqual(await code("fail.explicit"), [422, "bad field"]);
    assert.equal((await code("fail.decode", new TextEncoder().encode("{nope")))[0], 400);
    const ok = await caller.request("fail.decode", { kind: "fine" });
    assert.equal(ok.decode(), "fine");
  });

  it("a handler returning nothing answers with an empty reply", async () => {
    await server.serve("ack.only", () => {});
    const reply = await caller.request("ack.only", 1);
    assert.equal(reply.data.length, 0);
    assert.equal(reply.decode(), undefined);
  });

  it("bounds concurrency: never more than `concurrency` handlers in flight", async () => {
    let now = 0;
    let max = 0;
    await server.serve(
      "bounded.work",
      async () => {
        now++;
        max = Math.max(max, now);
        await delay(60);
        now--;
        return "done";
      },
      { concurrency: 2 },
    );
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => caller.request<string>("bounded.work", i, { breaker: false })),
    );
    assert.deepEqual(
      replies.map((r) => r.decode()),
      Array(8).fill("done"),
    );
    assert.equal(max, 2);
  });

  it("answers 429 `overloaded` when the queue is full, and counts dropped publishes", async () => {
    const held = gate();
    let started = 0;
    const svc = await server.serve(
      "busy.work",
      async () => {
        started++;
        await held.opened;
        return "served";
      },
      { concurrency: 1, maxQueued: 1 },
    );
    const first = caller.request<string>("busy.work", 1, { breaker: false });
    const second = caller.request<string>("busy.work", 2, { breaker: false });
    const rejected = [3, 4].map((n) =>
      caller.request("busy.work", n, { breaker: false }).then(
        () => assert.fail("expected 429"),
        (e: unknown) => e,
      ),
    );
    for (const err of await Promise.all(rejected)) {
      assert.ok(err instanceof ServiceError);
      assert.deepEqual([err.serviceCode, err.serviceMessage], [429, "overloaded"]);
    }
    caller.publish("busy.work", 5);
    caller.publish("busy.work", 6);
    await caller.nc.flush();
    await server.nc.flush();
    assert.equal(started, 1);
    held.open();
    assert.deepEqual([(await first).decode(), (await second).decode()], ["served", "served"]);
    assert.deepEqual([svc.rejected, svc.dropped, svc.processed], [2, 2, 2]);
  });

  it("queue false fans out to every instance; the default queue group shares the load", async () => {
    const got = { shared: 0, fanout: 0 };
    for (let i = 0; i < 2; i++) {
      await server.serve("load.shared", () => void got.shared++);
      await server.serve("load.fanout", () => void got.fanout++, { queue: false });
    }
    caller.publish("load.shared", 1);
    caller.publish("load.fanout", 1);
    await caller.nc.flush();
    await delay(100);
    assert.deepEqual(got, { shared: 1, fanout: 2 });
  });

  it("stop() aborts the signal, waits for in-flight work, then no longer serves; drain() stops services", async () => {
    const held = gate();
    let handlerStarted = gate();
    let sawAbort = false;
    let finished = false;
    const svc = await server.serve("stopping.svc", async (ctx) => {
      handlerStarted.open();
      await held.opened;
      sawAbort = ctx.signal.aborted;
      await delay(50);
      finished = true;
      return "finished";
    });
    const pending = caller.request<string>("stopping.svc", 1, { breaker: false });
    await handlerStarted.opened;
    let stopped = false;
    const stopping = svc.stop().then(() => (stopped = true));
    await delay(50);
    assert.equal(stopped, false, "stop waits for the in-flight handler");
    held.open();
    await stopping;
    assert.ok(finished && sawAbort);
    assert.equal((await pending).decode(), "finished");
    assert.equal(svc.processed, 1);
    await assert.rejects(
      caller.request("stopping.svc", 1, { retry: false, breaker: false }),
      NoRespondersError,
    );

    // drain(): the client stops its services first, letting in-flight work finish.
    const other = await connect({ servers: nats.url, name: "drained" });
    handlerStarted = gate();
    let drainedFinished = false;
    await other.serve("drain.svc", async () => {
      handlerStarted.open();
      await delay(150);
      drainedFinished = true;
      return "ok";
    });
    const inFlight = caller.request<string>("drain.svc", 1, { breaker: false });
    await handlerStarted.opened;
    await other.drain();
    assert.ok(drainedFinished);
    assert.equal((await inFlight).decode(), "ok");
  });

  it("plain publishes reach the handler with their identity; the return value goes nowhere", async () => {
    const seen: Msg[] = [];
    await server.serve("plain.events", (ctx) => {
      seen.push(ctx.message.raw);
      return "ignored";
    });
    const sent = caller.publish("plain.events", { e: 1 }, { kind: "event" });
    await caller.nc.flush();
    await delay(50);
    assert.equal(seen.length, 1);
    assert.equal(identityOf(seen[0] as Msg).id, sent.id);
  });
});
