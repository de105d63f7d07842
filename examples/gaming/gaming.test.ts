// The README's walk-through, end to end: `junction up` on this example's junction.yaml (ports moved to
// random ones), the example's service as its own process, and HTTP calls through the gateway.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type JunctionUp, startJunctionUp, waitFor } from "@junction/testkit";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const tsx = import.meta.resolve("tsx");

/** The example's service, as `npx tsx examples/gaming/service.ts` runs it. */
function startService(natsUrl: string): {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--conditions=source", "--import", tsx, here("./service.ts")], {
    env: { ...process.env, NATS_URL: natsUrl },
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** What `curl -N` shows: the raw event stream, read to its end. */
function streamText(url: string, body: unknown): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), text }),
      );
    });
    req.end(JSON.stringify(body));
  });
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("gaming example", { timeout: 180_000 }, () => {
  let up: JunctionUp<{ nats: string; gateway: string }>;
  let service: ReturnType<typeof startService>;
  let gateway: string;

  before(async () => {
    const yaml = readFileSync(here("./junction.yaml"), "utf8");
    const moved = yaml
      .replace("natsPort: 4222, awsPort: 4566", "natsPort: 0, awsPort: 0")
      .replace("listen: 127.0.0.1:8080", "listen: 127.0.0.1:0");
    assert.notEqual(moved, yaml, "the example's ports are where this test expects them");
    up = await startJunctionUp(`${moved}\nops: { listen: "127.0.0.1:0" }\n`, {
      args: ["-c", "junction.yaml"],
    });
    gateway = up.endpoints.gateway;
    assert.match(gateway, /^http:\/\/127\.0\.0\.1:\d+$/);
    service = startService(up.endpoints.nats);
    await waitFor(
      "the service",
      async () => service.output().includes("gaming services ready") || service.output(),
      {
        timeoutMs: 60_000,
      },
    );
  });
  after(async () => {
    if (service?.child.exitCode === null) service.child.kill("SIGKILL");
    await up?.stop();
  });

  it("streams an NPC's answer token by token as Server-Sent Events", async () => {
    const res = await streamText(`${gateway}/v1/npcs/merchant/chat`, { prompt: "hello" });
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/event-stream/);
    const tokens = [...res.text.matchAll(/^event: chunk\ndata: (.*)$/gm)].map(
      (m) => (JSON.parse(m[1] as string) as { token: string }).token,
    );
    assert.equal(
      tokens.join(""),
      "Welcome, traveller! Swords on the left, potions on the right. Mind the dragon.",
    );
    assert.ok(tokens.length > 5);
    assert.match(res.text, /event: end\ndata: \{\}\n\n$/);
    const unknown = await call("POST", `${gateway}/v1/npcs/wizard/chat`, {});
    assert.equal(unknown.status, 404);
  });

  it("moves players by request/reply, with the service's and the schema's errors", async () => {
    assert.deepEqual((await call("POST", `${gateway}/v1/players/ada/move`, { dx: 1, dy: 0 })).body, {
      playerId: "ada",
      x: 1,
      y: 0,
    });
    const off = await call("POST", `${gateway}/v1/players/ada/move`, { dx: 0, dy: -1 });
    assert.equal(off.status, 422);
    assert.equal(off.body.detail, "(1, -1) is off the map");
    assert.equal((await call("POST", `${gateway}/v1/players/ada/move`, { dx: 5, dy: 0 })).status, 400);
    assert.equal((await call("GET", `${gateway}/v1/players/nobody`)).status, 404);
  });

  it("records scores durably, once per Idempotency-Key, and ranks them", async () => {
    const key = { "Idempotency-Key": "m1-ada" };
    const first = await call("POST", `${gateway}/v1/matches/m1/scores`, { player: "ada", points: 30 }, key);
    assert.equal(first.status, 202);
    assert.equal(first.body.stream, "SCORES");
    const retry = await call("POST", `${gateway}/v1/matches/m1/scores`, { player: "ada", points: 30 }, key);
    assert.deepEqual([retry.body.seq, retry.body.duplicate], [first.body.seq, true]);
    await call("POST", `${gateway}/v1/matches/m1/scores`, { player: "bob", points: 12 });
    await waitFor("the leaderboard", async () => {
      const board = await call("GET", `${gateway}/v1/leaderboard?limit=5`);
      return (
        JSON.stringify(board.body) ===
          JSON.stringify([
            { player: "ada", points: 30 },
            { player: "bob", points: 12 },
          ]) || JSON.stringify(board.body)
      );
    });
  });

  it("stops cleanly on Ctrl-C", async () => {
    service.child.kill("SIGINT");
    assert.equal(await service.exit, 0, service.output());
    assert.equal(await up.kill("SIGINT"), 0, up.output());
    assert.match(up.output(), /stopped\./);
  });
});
