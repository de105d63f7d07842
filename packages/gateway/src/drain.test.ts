// Drain under load: once stop() begins, no new work is taken, and every request already accepted
// gets its real answer before the gateway closes.
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import { type Harness, startHarness, until } from "./testdata/harness.ts";

/** One request on its own connection; resolves with the status and body, or the connection error code. */
function call(url: string, body: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json" },
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.end(body);
  });
}

describe("gateway drain", () => {
  it("finishes every accepted request, refuses new ones, then closes", async (t) => {
    const h: Harness = await startHarness({
      drainTimeoutMs: 1_500,
      routes: [
        { method: "POST", path: "/work/:id", request: "work.{id}", timeoutMs: 10_000 },
        { method: "POST", path: "/gen", stream: "gen", timeoutMs: 10_000 },
      ],
    });
    t.after(() => h.dispose());
    let started = 0;
    await h.service.serve(
      "work.{id}",
      async (ctx) => {
        started++;
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 300));
        return { id: ctx.captures.id };
      },
      { concurrency: 256 },
    );
    await h.service.serveStream("gen", async ({ writer, signal }) => {
      for (let i = 0; i < 100_000 && !signal.aborted; i++) {
        writer.write(i);
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    const accepted = Array.from({ length: 100 }, (_, i) => call(`${h.url}/work/${i}`, JSON.stringify({ i })));
    const stream = call(`${h.url}/gen`, "{}");
    await until("every request to reach the service", () => started === 100);
    assert.equal(h.gateway.ready(), true);

    const stopped = h.gateway.stop();
    assert.equal(h.gateway.ready(), false);
    // New connections are refused while the accepted requests are still being served.
    const late = await call(`${h.url}/work/late`, "{}");
    assert.ok("error" in late && late.error === "ECONNREFUSED", JSON.stringify(late));

    const results = await Promise.all(accepted);
    results.forEach((r, i) => {
      assert.ok("status" in r, `request ${i}: ${JSON.stringify(r)}`);
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { id: String(i) });
    });
    await stopped;
    // A stream that outlives the drain window is ended with an event saying why, not cut mid-event.
    const streamed = await stream;
    assert.ok("status" in streamed && streamed.status === 200, JSON.stringify(streamed));
    assert.match(streamed.body, /event: error\ndata: \{[^\n]*problems\/draining[^\n]*"status":503/);
  });
});
