// Bodies at and past every limit, and schemas that check without changing: against a real nats-server
// whose max_payload is small (64 KiB), so the NATS limit is the one that binds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, rawCodec } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { HEADER_RESERVE_BYTES } from "./config/settings.ts";
import { GatewayConfigError } from "./errors.ts";
import { createGateway } from "./gateway.ts";
import { type Harness, type Problem, post, startHarness } from "./testdata/harness.ts";

const MAX_PAYLOAD = 64 * 1024;
const LIMIT = MAX_PAYLOAD - HEADER_RESERVE_BYTES;

describe("gateway bodies", () => {
  let nats: TestNats;
  let h: Harness;
  const received: Buffer[] = [];
  before(async () => {
    nats = await startTestNats({ extraConfig: `max_payload: ${MAX_PAYLOAD}` });
    h = await startHarness(
      {
        headers: { request: ["X-Big"] },
        routes: [
          { method: "POST", path: "/echo", request: "bd.echo" },
          { method: "POST", path: "/events", publish: "bd.events.in", durable: true },
          { method: "POST", path: "/fire", publish: "bd.fire" },
          {
            method: "POST",
            path: "/moves",
            request: "bd.raw",
            schema: {
              body: {
                type: "object",
                additionalProperties: false,
                required: ["dx"],
                properties: { dx: { type: "number" }, note: { type: "string", default: "none" } },
              },
            },
          },
        ],
      },
      { nats },
    );
    await h.service.jetstream().ensureStream({ name: "BD", subjects: ["bd.events.>"] });
    await h.service.serve("bd.echo", (ctx) => ({ bytes: ctx.message.data.length }));
    await h.service.serve(
      "bd.raw",
      (ctx) => {
        received.push(Buffer.from(ctx.message.data));
        return undefined;
      },
      { codec: rawCodec() },
    );
  });
  after(async () => {
    await h?.dispose();
    await nats?.dispose();
  });

  const text = (bytes: number) => JSON.stringify("x".repeat(bytes - 2)); // a JSON string of `bytes` bytes

  it("takes a body up to the limit NATS leaves room for, and answers 413 with that limit above it", async () => {
    const ok = await post(`${h.url}/echo`, text(LIMIT));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json<{ bytes: number }>().bytes, LIMIT);
    for (const path of ["/echo", "/events", "/fire"]) {
      const res = await post(`${h.url}${path}`, text(LIMIT + 1));
      assert.equal(res.status, 413, `${path}: ${res.text}`);
      const problem = res.json<Problem>();
      assert.equal(problem.code, "ERR_GATEWAY_PAYLOAD_TOO_LARGE");
      assert.equal(problem.detail, `the body is larger than ${LIMIT} bytes`);
    }
  });

  it("answers 413 with the real limit when this request's headers leave less room", async () => {
    const big = { "X-Big": "h".repeat(12 * 1024) };
    for (const path of ["/echo", "/events", "/fire"]) {
      const res = await post(`${h.url}${path}`, text(LIMIT - 10), { headers: big });
      assert.equal(res.status, 413, `${path}: ${res.text}`);
      const problem = res.json<Problem>();
      assert.equal(problem.code, "ERR_PAYLOAD_TOO_LARGE");
      const [, size, limit] = /payload is (\d+) bytes; NATS takes at most (\d+)/.exec(problem.detail) ?? [];
      assert.equal(Number(size), LIMIT - 10, problem.detail);
      assert.ok(Number(limit) < LIMIT - 10 && Number(limit) > LIMIT - 12 * 1024 - 2048, problem.detail);
    }
    // A durable publish that fits is stored.
    const stored = await post(`${h.url}/events`, text(LIMIT));
    assert.equal(stored.status, 202, stored.text);
  });

  it("refuses at start-up a body limit NATS cannot carry", async () => {
    const client = await connect({ servers: nats.url, name: "too-big" });
    try {
      const gateway = createGateway(
        { listen: "127.0.0.1:0", limits: { bodyBytes: MAX_PAYLOAD } },
        { client },
      );
      await assert.rejects(gateway.start(), (err: unknown) => {
        assert.ok(err instanceof GatewayConfigError);
        assert.equal(err.problems[0]?.path, "gateway.limits.bodyBytes");
        assert.match(err.problems[0]?.message ?? "", new RegExp(`use at most ${LIMIT} or raise max_payload`));
        return true;
      });
    } finally {
      await client.drain();
    }
  });

  it("validates a body without changing it: no stripping, coercion or defaults", async () => {
    const refused = async (body: string, name: string) => {
      const res = await post(`${h.url}/moves`, body);
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      const problem = res.json<Problem>();
      assert.equal(problem.code, "ERR_GATEWAY_VALIDATION");
      assert.ok(
        problem.errors?.some((e) => e.in === "body" && e.name === name),
        `${body}: ${JSON.stringify(problem.errors)}`,
      );
    };
    await refused('{"dx": 1, "extra": true}', "/");
    await refused('{"dx": 1, "__proto__": {"admin": true}}', "/");
    await refused('{"dx": "1"}', "/dx");
    const body = '{ "dx" : 1.50 }';
    const res = await post(`${h.url}/moves`, body);
    assert.equal(res.status, 204, res.text);
    assert.equal(received.at(-1)?.toString(), body);
  });

  it("refuses JSON that is not UTF-8", async () => {
    const res = await fetch(`${h.url}/moves`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.concat([Buffer.from('{"dx": 1, "note": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as Problem;
    assert.equal(problem.code, "ERR_GATEWAY_BAD_REQUEST");
    assert.equal(problem.detail, "the body is not valid UTF-8");
  });

  it("answers fastify's own failures with the gateway's codes", async () => {
    const res = await fetch(`${h.url}/echo`, {
      method: "POST",
      headers: { "content-type": "not a / media type" },
      body: "x",
    });
    const problem = (await res.json()) as Problem;
    assert.equal(res.status, 415, JSON.stringify(problem));
    assert.equal(problem.code, "ERR_GATEWAY_UNSUPPORTED_MEDIA_TYPE");
  });
});
