// Route kinds and what crosses the gateway: publishes (core and JetStream), headers, content types,
// query strings, identity; and the operations endpoints.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jsonCodec, type ReceivedMessage, rawCodec, receivedMessage } from "@junction/sdk";
import { AlreadyStartedError } from "./errors.ts";
import { type Harness, post, startHarness, until } from "./testdata/harness.ts";

describe("gateway routes", () => {
  let h: Harness;
  const received: ReceivedMessage[] = [];
  before(async () => {
    h = await startHarness({
      headers: { request: ["X-Tenant-Id"], response: ["X-Rate-Remaining"] },
      routes: [
        { method: "POST", path: "/events/:kind", publish: "game.events.{kind}" },
        { method: "POST", path: "/scores/:player", publish: "game.scores.{player}", durable: true },
        { method: "POST", path: "/inspect", request: "inspect", headers: ["X-Client-Version"] },
        { method: "POST", path: "/charge/:shop", request: "charge.{shop}", durable: true },
        { method: "POST", path: "/bytes", request: "bytes" },
        { method: "POST", path: "/empty", request: "empty" },
        {
          method: "GET",
          path: "/leaderboard",
          request: "leaderboard",
          schema: { query: { type: "object", properties: { limit: { type: "integer", maximum: 100 } } } },
        },
      ],
    });
    const js = h.service.jetstream();
    await js.ensureStream({ name: "SCORES", subjects: ["game.scores.>"] });
    const sub = h.service.nc.subscribe("game.events.*");
    void (async () => {
      for await (const m of sub) received.push(receivedMessage(m, jsonCodec()));
    })();
    await h.service.serve("inspect", (ctx) => {
      ctx.reply(
        { headers: ctx.message.headers, identity: ctx.identity },
        { headers: { "X-Rate-Remaining": "41", "X-Internal": "secret" } },
      );
    });
    await h.service.serve(
      "bytes",
      (ctx) => {
        const data = ctx.message.data;
        ctx.reply(new Uint8Array([...data].reverse()), {
          headers: { "Content-Type": "application/x-protobuf" },
        });
      },
      { codec: rawCodec() },
    );
    await h.service.serve("empty", () => undefined);
    await h.service.serve("leaderboard", (ctx) => ({ query: ctx.data }));
    await h.service.nc.flush();
  });
  after(() => h?.dispose());

  it("publishes at most once and answers 202 with the message's identity", async () => {
    const res = await post(
      `${h.url}/events/level-up`,
      { level: 3 },
      { headers: { "X-Correlation-Id": "c-1" } },
    );
    assert.equal(res.status, 202);
    const body = res.json<{ id: string; correlationId: string }>();
    assert.equal(body.correlationId, "c-1");
    await until("the event", () => received.length === 1);
    const msg = received[0] as ReceivedMessage;
    assert.equal(msg.subject, "game.events.level-up");
    assert.deepEqual(msg.decode(), { level: 3 });
    assert.equal(msg.identity.id, body.id);
    assert.equal(msg.identity.correlationId, "c-1");
  });

  it("publishes durably with the stream sequence, and an Idempotency-Key stores a retry once", async () => {
    const first = await post(
      `${h.url}/scores/p1`,
      { score: 10 },
      { headers: { "Idempotency-Key": "game-9-final" } },
    );
    assert.equal(first.status, 202);
    const a = first.json<{ stream: string; seq: number; duplicate: boolean }>();
    assert.equal(a.stream, "SCORES");
    assert.equal(a.duplicate, false);
    const retry = await post(
      `${h.url}/scores/p1`,
      { score: 10 },
      { headers: { "Idempotency-Key": "game-9-final" } },
    );
    const b = retry.json<{ seq: number; duplicate: boolean }>();
    assert.equal(b.seq, a.seq);
    assert.equal(b.duplicate, true);
    // The same key for another player is another message, not a duplicate.
    const other = await post(
      `${h.url}/scores/p2`,
      { score: 7 },
      { headers: { "Idempotency-Key": "game-9-final" } },
    );
    const c = other.json<{ seq: number; duplicate: boolean }>();
    assert.deepEqual([c.seq, c.duplicate], [a.seq + 1, false]);
  });

  it("passes allow-listed headers both ways and derives the NATS message from the HTTP request", async () => {
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await post(
      `${h.url}/inspect`,
      { x: 1 },
      {
        headers: {
          "X-Tenant-Id": "tenant-a",
          "X-Client-Version": "2.1",
          "X-Not-Listed": "dropped",
          traceparent: `00-${trace}-00f067aa0ba902b7-01`,
          "Idempotency-Key": "k-1",
        },
      },
    );
    assert.equal(res.status, 200);
    const { headers, identity } = res.json<{
      headers: Record<string, string>;
      identity: { correlationId: string; causationId: string };
    }>();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(lower["x-tenant-id"], "tenant-a");
    assert.equal(lower["x-client-version"], "2.1");
    assert.equal(lower["x-not-listed"], undefined);
    assert.equal(lower.traceparent, `00-${trace}-00f067aa0ba902b7-01`);
    assert.equal(lower["junction-idempotency-key"], "k-1");
    // The trace id is the correlation id when the caller sent none; the request is the cause.
    assert.equal(identity.correlationId, trace);
    assert.ok(identity.causationId.length > 0);
    assert.equal(res.headers.get("x-correlation-id"), trace);
    assert.equal(res.headers.get("x-rate-remaining"), "41");
    assert.equal(res.headers.get("x-internal"), null);
  });

  it("passes bytes through untouched with their content types", async () => {
    const res = await fetch(`${h.url}/bytes`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array([1, 2, 3, 0xff]),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/x-protobuf");
    assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [0xff, 3, 2, 1]);
  });

  it("answers an empty reply with 204", async () => {
    const res = await post(`${h.url}/empty`, {});
    assert.equal(res.status, 204);
    assert.equal(res.text, "");
  });

  it("sends a GET's validated query string as the payload", async () => {
    const res = await fetch(`${h.url}/leaderboard?limit=10`);
    assert.deepEqual(await res.json(), { query: { limit: 10 } });
    assert.equal((await fetch(`${h.url}/leaderboard?limit=500`)).status, 400);
  });

  it("serves the OpenAPI document of the routes", async () => {
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { responses: Record<string, unknown>; parameters: { name: string }[] }>
      >;
    };
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/bytes",
      "/charge/{shop}",
      "/empty",
      "/events/{kind}",
      "/inspect",
      "/leaderboard",
      "/scores/{player}",
    ]);
    const publish = doc.paths["/events/{kind}"]?.post;
    assert.ok(publish?.responses["202"]);
    assert.ok(publish?.parameters.some((p) => p.name === "kind"));
    assert.ok(doc.paths["/leaderboard"]?.get?.parameters.some((p) => p.name === "limit"));
    assert.ok(doc.paths["/inspect"]?.post?.responses["504"]);
    assert.ok(doc.paths["/charge/{shop}"]?.post?.responses["422"], "a durable request documents key reuse");
    assert.equal(doc.paths["/inspect"]?.post?.responses["422"], undefined);
    assert.ok(
      doc.paths["/scores/{player}"]?.post?.parameters.some((p) => p.name === "Idempotency-Key"),
      "a durable route documents its idempotency key",
    );
    assert.ok(!doc.paths["/inspect"]?.post?.parameters.some((p) => p.name === "Idempotency-Key"));
  });

  it("starts once", async () => {
    await assert.rejects(h.gateway.start(), AlreadyStartedError);
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
  });

  it("is live while serving, and ready only while NATS is connected", async () => {
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.url}/readyz`)).status, 200);
    await h.nats.stop();
    await until("readiness to drop", () => !h.gateway.ready());
    assert.equal((await fetch(`${h.url}/readyz`)).status, 503);
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    await h.nats.restart();
    await until("readiness to return", () => h.gateway.ready(), 20_000);
    assert.equal((await fetch(`${h.url}/readyz`)).status, 200);
  });
});
