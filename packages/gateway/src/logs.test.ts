// What the gateway logs for expected events: a caller hanging up is not an unexpected failure.
import assert from "node:assert/strict";
import { connect as tcp } from "node:net";
import { after, before, describe, it } from "node:test";
import type { GatewayLogger } from "./logger.ts";
import { type Harness, startHarness, until } from "./testdata/harness.ts";

interface Line {
  readonly level: "info" | "warn" | "error";
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

describe("gateway logs", () => {
  let h: Harness;
  const lines: Line[] = [];
  const logger: GatewayLogger = {
    info: (obj, msg) => lines.push({ level: "info", obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: "warn", obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: "error", obj: obj as Record<string, unknown>, msg }),
  };
  before(async () => {
    h = await startHarness(
      { routes: [{ method: "POST", path: "/slow", request: "lg.slow", timeoutMs: 2000 }] },
      { deps: { logger } },
    );
    await h.service.serve("lg.slow", () => new Promise((r) => setTimeout(() => r("late"), 300)));
  });
  after(() => h?.dispose());

  /** Opens a connection, sends `head` and `body`, and closes it after `closeAfterMs`. */
  const hangUp = (head: string, body: string, closeAfterMs: number) =>
    new Promise<void>((resolve) => {
      const port = Number(new URL(h.url).port);
      const socket = tcp(port, "127.0.0.1", () => {
        socket.write(`${head}\r\n\r\n${body}`);
        setTimeout(() => socket.destroy(), closeAfterMs);
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve());
    });

  it("logs a caller that hangs up mid-body or before the reply at info, without an error", async () => {
    const head = (length: number) =>
      [
        "POST /slow HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        `Content-Length: ${length}`,
      ].join("\r\n");
    await hangUp(head(1000), '{"a":', 100);
    await hangUp(head(2), "{}", 50);
    await until("the hang-up logged", () => lines.some((l) => l.msg === "gateway: the caller hung up"));
    await new Promise((r) => setTimeout(r, 500)); // the slow reply comes after the second caller left
    const hungUp = lines.filter((l) => l.msg === "gateway: the caller hung up");
    assert.equal(hungUp.length, 1, JSON.stringify(lines));
    assert.equal(hungUp[0]?.level, "info");
    assert.equal(hungUp[0]?.obj.route, "/slow");
    // Nothing at error level, and no error object (with its stack) anywhere.
    assert.deepEqual(
      lines.filter((l) => l.level === "error" || "err" in l.obj),
      [],
    );
  });

  it("logs a NATS disconnect as a warn line and the reconnect as an info line, without an error", async () => {
    const before = lines.length;
    await h.nats.restart();
    await until(
      "the reconnect logged",
      () => lines.some((l) => l.msg === "gateway: NATS reconnected"),
      20_000,
    );
    const events = lines.slice(before).filter((l) => l.msg !== "http");
    assert.deepEqual(
      events.map((l) => [l.level, l.msg]),
      [
        ["warn", "gateway: NATS disconnected; not ready until it reconnects"],
        ["info", "gateway: NATS reconnected"],
      ],
    );
    for (const line of events) assert.equal(typeof line.obj.server, "string");
  });
});
