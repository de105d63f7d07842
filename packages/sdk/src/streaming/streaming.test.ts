import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestNats, type TestNats } from "@junction/testkit";
import { createInbox, headers, type Msg } from "@nats-io/nats-core";
import { connect, type JunctionClient } from "../connect/client.ts";
import { CancelledError, NoRespondersError, RequestTimeoutError, ServiceError } from "../errors/index.ts";
import { Headers, identityOf } from "../identity/index.ts";
import { StreamInactiveError } from "./errors.ts";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe("streamed replies", () => {
  let nats: TestNats;
  let server: JunctionClient;
  let client: JunctionClient;
  before(async () => {
    nats = await startTestNats({ jetstream: false });
    server = await connect({ servers: nats.url, name: "stream-server" });
    client = await connect({ servers: nats.url, name: "stream-client" });
    await server.serveStream<{ n: number }, { i: number; model: string }>(
      "ai.{model}.generate",
      ({ data, captures, writer }) => {
        for (let i = 0; i < data.n; i++) writer.write({ i, model: captures.model ?? "" });
      },
    );
  });
  after(async () => {
    await client?.drain();
    await server?.drain();
    await nats?.dispose();
  });

  it("yields hundreds of small chunks in order, then ends on the terminator", async () => {
    const started = performance.now();
    const chunks = await collect(
      client.requestStream<{ i: number; model: string }>("ai.gpt.generate", { n: 500 }),
    );
    assert.equal(chunks.length, 500);
    assert.deepEqual(
      chunks.map((c) => c.i),
      [...Array(500).keys()],
    );
    assert.equal(chunks[0]?.model, "gpt");
    assert.ok(performance.now() - started < 2000, "a token stream should be fast");
  });

  it("on the wire: chunks are derived replies, the terminator is empty with no headers", async () => {
    const inbox = createInbox();
    const got: Msg[] = [];
    const sub = client.nc.subscribe(inbox);
    const done = (async () => {
      for await (const m of sub) {
        got.push(m);
        if (m.data.length === 0 && m.headers === undefined) break;
      }
    })();
    // A request as a peer in another language would send it: raw NATS, identity headers by hand.
    const h = headers();
    h.set(Headers.MsgId, "req-1");
    h.set(Headers.CorrelationId, "corr-1");
    client.nc.publish("ai.x.generate", JSON.stringify({ n: 2 }), { reply: inbox, headers: h });
    await done;
    assert.equal(got.length, 3);
    for (const chunk of got.slice(0, 2)) {
      const id = identityOf(chunk);
      assert.equal(id.correlationId, "corr-1");
      assert.equal(id.causationId, "req-1");
      assert.equal(chunk.headers?.get(Headers.Kind), "reply");
      assert.equal(chunk.headers?.get("Content-Type"), "application/json");
    }
    assert.notEqual(identityOf(got[0] as Msg).id, identityOf(got[1] as Msg).id);
    assert.equal(got[2]?.data.length, 0);
    assert.equal(got[2]?.headers, undefined);
  });

  it("raises StreamInactiveError (an ERR_TIMEOUT) when the responder goes quiet", async () => {
    await server.serveStream("quiet.once", async ({ writer, signal }) => {
      writer.write("first");
      // Silent for longer than the caller waits; the interest probe only reports on the next write.
      await sleep(1000, undefined, { signal }).catch(() => {});
      writer.write("too late");
    });
    const got: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of client.requestStream("quiet.once", null, { inactivityMs: 200 })) got.push(c);
      })(),
      (e: unknown) => e instanceof StreamInactiveError && e.code === "ERR_TIMEOUT" && e.inactivityMs === 200,
    );
    assert.deepEqual(got, ["first"]);
  });

  it("raises RequestTimeoutError at the overall deadline, however lively the stream", async () => {
    await server.serveStream("lively.forever", async ({ writer, signal }) => {
      while (!signal.aborted && writer.write("tick")) await sleep(10);
    });
    const started = performance.now();
    await assert.rejects(
      collect(client.requestStream("lively.forever", null, { inactivityMs: 1000, deadlineMs: 300 })),
      (e: unknown) => e instanceof RequestTimeoutError && !(e instanceof StreamInactiveError),
    );
    assert.ok(performance.now() - started < 1000);
  });

  it("raises the responder's ServiceError mid-stream, after the chunks before it", async () => {
    await server.serveStream("fail.midway", ({ writer, data }) => {
      writer.write(1);
      writer.write(2);
      if (data === "explicit") return writer.error(429, "slow down");
      if (data === "typed") throw new ServiceError(409, "conflict");
      throw new Error("boom");
    });
    for (const [data, code, message] of [
      ["explicit", 429, "slow down"],
      ["typed", 409, "conflict"],
      ["plain", 500, "boom"],
    ] as const) {
      const got: unknown[] = [];
      await assert.rejects(
        (async () => {
          for await (const c of client.requestStream("fail.midway", data)) got.push(c);
        })(),
        (e: unknown) => e instanceof ServiceError && e.serviceCode === code && e.serviceMessage === message,
      );
      assert.deepEqual(got, [1, 2]);
    }
  });

  it("answers a payload it cannot decode with 400", async () => {
    await assert.rejects(
      collect(client.requestStream("ai.x.generate", new TextEncoder().encode("{nope"))),
      (e: unknown) => e instanceof ServiceError && e.serviceCode === 400,
    );
  });

  it("raises NoRespondersError at once when nobody serves the subject", async () => {
    const started = performance.now();
    await assert.rejects(collect(client.requestStream("nobody.home")), NoRespondersError);
    assert.ok(performance.now() - started < 1000);
  });

  it("breaking out early drops interest: the responder's write() turns false and its signal aborts", async () => {
    let resolveSeen: (v: { written: number; aborted: boolean }) => void = () => {};
    const seen = new Promise<{ written: number; aborted: boolean }>((r) => (resolveSeen = r));
    await server.serveStream("endless.tokens", async ({ writer, signal }) => {
      let written = 0;
      while (writer.write(written)) {
        written++;
        await sleep(5);
      }
      resolveSeen({ written, aborted: signal.aborted });
    });
    let taken = 0;
    for await (const _ of client.requestStream("endless.tokens")) if (++taken === 3) break;
    const result = await Promise.race([seen, sleep(3000).then(() => undefined)]);
    assert.ok(result, "the responder should notice the caller left");
    assert.equal(result.aborted, true);
    assert.ok(result.written < 200, `kept writing ${result.written} chunks`);
  });

  it("an AbortSignal ends the stream with CancelledError", async () => {
    const controller = new AbortController();
    const stream = client.requestStream("lively.forever", null, { signal: controller.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) controller.abort(new Error("user left"));
      })(),
      (e: unknown) => e instanceof CancelledError && e.code === "ERR_CANCELLED",
    );
  });

  it("beyond concurrency and queue it answers 429 at once; stop() lets streams in progress finish", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const service = await server.serveStream(
      "one.at.a.time",
      async ({ writer }) => {
        writer.write("started");
        await gate;
        writer.write("finished");
      },
      { concurrency: 1, maxQueued: 0 },
    );
    const first = client.requestStream<string>("one.at.a.time")[Symbol.asyncIterator]();
    assert.deepEqual(await first.next(), { value: "started", done: false });
    await assert.rejects(
      collect(client.requestStream("one.at.a.time")),
      (e: unknown) => e instanceof ServiceError && e.serviceCode === 429,
    );
    const stopped = service.stop();
    assert.equal(service.inFlight, 1);
    release();
    await stopped;
    assert.deepEqual(await first.next(), { value: "finished", done: false });
    assert.deepEqual(await first.next(), { value: undefined, done: true });
    assert.equal(service.inFlight, 0);
  });

  it("stop() ends streams still open after its grace period with 503 and aborts their handlers", async () => {
    let aborted: Promise<unknown> = Promise.resolve();
    const service = await server.serveStream(
      "never.ends",
      ({ writer, signal }) => {
        aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));
        writer.write("hello");
        return new Promise<void>(() => {});
      },
      { stopGraceMs: 100 },
    );
    const stream = client.requestStream<string>("never.ends")[Symbol.asyncIterator]();
    assert.deepEqual(await stream.next(), { value: "hello", done: false });
    await service.stop();
    await assert.rejects(stream.next(), (e: unknown) => e instanceof ServiceError && e.serviceCode === 503);
    assert.ok((await aborted) instanceof CancelledError);
  });
});
