// Slow clients cannot hold a connection open: headers and bodies have deadlines, answered 408.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "./testdata/harness.ts";

/** Writes `parts` with `gapMs` between them and returns what the server answered before closing. */
function trickle(
  port: number,
  parts: string[],
  gapMs: number,
): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    let i = 0;
    const timer = setInterval(() => {
      const part = parts[i++];
      if (part === undefined) return clearInterval(timer);
      if (!socket.destroyed) socket.write(part);
    }, gapMs);
    socket.setEncoding("latin1");
    socket.on("data", (c: string) => {
      answer += c;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
  });
}

describe("gateway against slow clients", () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await startHarness({
      limits: { headersTimeoutMs: 500, requestTimeoutMs: 1500 },
      routes: [{ method: "POST", path: "/echo", request: "slow.echo" }],
    });
    await h.service.serve("slow.echo", (ctx) => ctx.data);
    port = Number(new URL(h.url).port);
  });
  after(() => h?.dispose());

  it("answers 408 and closes when the headers take too long", async () => {
    // One header line every 200 ms: the whole block would take 4 s.
    const lines = ["POST /echo HTTP/1.1\r\n", ...Array.from({ length: 20 }, (_, i) => `X-Slow-${i}: 1\r\n`)];
    const { answer, closedAfterMs } = await trickle(port, lines, 200);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs < 3_500, `closed after ${closedAfterMs} ms`);
  });

  it("answers 408 and closes when the body takes too long", async () => {
    const head =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n";
    const { answer, closedAfterMs } = await trickle(
      port,
      [head, ...Array.from({ length: 40 }, () => " ")],
      200,
    );
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs < 6_000, `closed after ${closedAfterMs} ms`);
  });

  it("keeps serving everyone else", async () => {
    const res = await fetch(`${h.url}/echo`, {
      method: "POST",
      body: '{"ok":1}',
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(await res.json(), { ok: 1 });
  });
});
