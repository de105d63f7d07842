// Streamed replies as Server-Sent Events, against real SDK stream services.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { ServiceError } from "@junction/sdk";
import { PROBLEM_BASE } from "./http/problem.ts";
import { type Harness, type Problem, post, startHarness, until } from "./testdata/harness.ts";
import { openSse } from "./testdata/sse-client.ts";

describe("gateway SSE streams", () => {
  let h: Harness;
  const cancelled: string[] = [];
  before(async () => {
    h = await startHarness({
      limits: { maxStreams: 3 },
      sse: { heartbeatMs: 100, maxBufferBytes: 64 * 1024 },
      routes: [
        { method: "POST", path: "/v1/ai/:model/generate", stream: "ai.{model}.generate", timeoutMs: 2000 },
        { method: "POST", path: "/nobody", stream: "nobody.generate" },
      ],
    });
    // An LLM-token style stream: `n` tokens, optionally slow, failing, endless or binary.
    await h.service.serveStream<{
      n?: number;
      pauseMs?: number;
      failAt?: number;
      refuse?: number;
      big?: boolean;
    }>("ai.{model}.generate", async ({ data, captures, writer, signal }) => {
      if (data.refuse !== undefined) throw new ServiceError(data.refuse, "refused");
      if (captures.model === "binary") {
        writer.write(new Uint8Array([0xff, 0x00, 0x7f]));
        return;
      }
      const n = data.n ?? Number.POSITIVE_INFINITY;
      const chunk = data.big ? "x".repeat(16 * 1024) : "";
      for (let i = 0; i < n && i < 20_000; i++) {
        if (signal.aborted) {
          cancelled.push(captures.model ?? "");
          return;
        }
        if (i === data.failAt) throw new ServiceError(500, "model crashed");
        writer.write({ i, token: `t${i}`, chunk });
        if (data.pauseMs !== undefined) await new Promise((r) => setTimeout(r, data.pauseMs));
        else if (!Number.isFinite(n)) await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
  after(() => h?.dispose());

  it("sends every chunk in order as an event, then end", async () => {
    const sse = await openSse(`${h.url}/v1/ai/gpt/generate`, { n: 200 }, { "x-correlation-id": "story-1" });
    assert.equal(sse.status, 200);
    assert.match(String(sse.headers["content-type"]), /^text\/event-stream/);
    assert.equal(sse.headers["x-correlation-id"], "story-1");
    await sse.ended;
    const chunks = sse.events.filter((e) => e.event === "chunk");
    assert.equal(chunks.length, 200);
    chunks.forEach((e, i) => {
      assert.equal(e.id, String(i + 1));
      assert.deepEqual(JSON.parse(e.data), { i, token: `t${i}`, chunk: "" });
    });
    assert.deepEqual(sse.events.at(-1), { event: "end", data: "{}" });
  });

  it("sends heartbeat comments while the service is quiet", async () => {
    const sse = await openSse(`${h.url}/v1/ai/gpt/generate`, { n: 3, pauseMs: 250 });
    await sse.ended;
    assert.ok(sse.comments >= 2, `${sse.comments} heartbeats`);
    assert.equal(sse.events.filter((e) => e.event === "chunk").length, 3);
  });

  it("cancels the NATS stream when the caller hangs up, and the service sees it", async () => {
    const sse = await openSse(`${h.url}/v1/ai/hangup/generate`, {});
    for (let i = 0; i < 3; i++) assert.equal((await sse.next())?.event, "chunk");
    sse.close();
    await until("the service to see the cancellation", () => cancelled.includes("hangup"));
    await until("no stream open", () => h.gateway.inFlight.streams === 0);
  });

  it("cuts off a caller too slow to read instead of buffering without bound", async () => {
    const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = request(`${h.url}/v1/ai/slowreader/generate`, {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json" },
      });
      req.on("error", reject);
      req.on("response", resolve);
      req.end(JSON.stringify({ big: true }));
    });
    res.pause(); // never reads: the gateway's buffer for this caller fills up
    await until("the slow reader to be cut off", () => cancelled.includes("slowreader"), 20_000);
    await until("no stream open", () => h.gateway.inFlight.streams === 0);
    res.destroy();
  });

  it("ends with an error event carrying the problem when the service fails mid-stream", async () => {
    const sse = await openSse(`${h.url}/v1/ai/gpt/generate`, { n: 5, failAt: 2 });
    await sse.ended;
    assert.deepEqual(
      sse.events.map((e) => e.event),
      ["chunk", "chunk", "error"],
    );
    const problem = JSON.parse(sse.events[2]?.data ?? "") as Problem;
    assert.equal(problem.status, 500);
    assert.equal(problem.type, `${PROBLEM_BASE}service-error`);
    assert.equal(problem.detail, "model crashed");
  });

  it("answers a stream that cannot start with a plain HTTP problem", async () => {
    const nobody = await post(`${h.url}/nobody`, {});
    assert.equal(nobody.status, 503);
    assert.equal(nobody.json<Problem>().type, `${PROBLEM_BASE}no-responders`);
    const refused = await post(`${h.url}/v1/ai/gpt/generate`, { refuse: 403 });
    assert.equal(refused.status, 403);
    assert.equal(refused.json<Problem>().detail, "refused");
  });

  it("sends chunks that are not UTF-8 as base64 binary events", async () => {
    const sse = await openSse(`${h.url}/v1/ai/binary/generate`, {});
    await sse.ended;
    assert.deepEqual(sse.events[0], { event: "binary", data: "/wB/", id: "1" });
    assert.equal(sse.events[1]?.event, "end");
  });

  it("refuses streams beyond the cap with 429", async () => {
    const open = await Promise.all([1, 2, 3].map(() => openSse(`${h.url}/v1/ai/cap/generate`, {})));
    for (const s of open) assert.equal(s.status, 200);
    const extra = await post(`${h.url}/v1/ai/cap/generate`, {});
    assert.equal(extra.status, 429);
    assert.equal(extra.json<Problem>().code, "ERR_GATEWAY_OVERLOADED");
    for (const s of open) s.close();
    await until("no stream open", () => h.gateway.inFlight.streams === 0);
  });
});
