// Runs `junction pub / req / sub` (from source) against a real nats-server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect, type JunctionClient, ServiceError } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));
// Absolute, so the CLI can also run in another working directory.
const tsx = import.meta.resolve("tsx");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI; `ready` resolves once stderr contains `readyText` (if given). */
function junction(args: string[], env: Record<string, string> = {}, readyText?: string, cwd?: string) {
  const child = spawn(process.execPath, ["--conditions=source", "--import", tsx, main, ...args], {
    env: { ...process.env, NO_COLOR: "1", ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stdout = "";
  let stderr = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
    if (readyText !== undefined && stderr.includes(readyText)) onReady();
  });
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  // A wedged child must not hang the suite.
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  void done.then(() => clearTimeout(timer));
  return { ready: Promise.race([ready, done.then(() => {})]), done };
}

describe("junction pub / req / sub", () => {
  let nats: TestNats;
  let service: JunctionClient;
  before(async () => {
    nats = await startTestNats({ jetstream: false });
    service = await connect({ servers: nats.url });
    await service.serve("svc.echo", ({ data, identity }) => ({
      echo: data,
      correlationId: identity.correlationId,
    }));
    await service.serve("svc.fail", () => {
      throw new ServiceError(409, "already exists");
    });
  });
  after(async () => {
    await service?.drain();
    await nats?.dispose();
  });

  it("sub --json --count prints one JSON object per message published by pub, with identity headers", async () => {
    const sub = junction(
      ["sub", "orders.>", "--json", "--count", "2", "--server", nats.url],
      {},
      "listening",
    );
    await sub.ready;
    // NATS_URL alone finds the server too.
    const pub = await junction(
      ["pub", "orders.created", '{"id":7}', "--count", "2", "--header", "X-Tenant=acme"],
      { NATS_URL: nats.url },
    ).done;
    assert.equal(pub.code, 0, pub.stderr);
    const ids = pub.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(" ")[2]);
    assert.equal(ids.length, 2);

    const got = await sub.done;
    assert.equal(got.code, 0, got.stderr);
    const lines = got.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    lines.forEach((m, i) => {
      assert.deepEqual(Object.keys(m), ["subject", "headers", "data"]);
      assert.equal(m.subject, "orders.created");
      assert.deepEqual(m.data, { id: 7 });
      assert.equal(m.headers["Nats-Msg-Id"], ids[i]);
      assert.equal(m.headers["Junction-Correlation-Id"], ids[i]);
      assert.equal(m.headers["X-Tenant"], "acme");
      assert.equal(m.headers["Content-Type"], "application/json");
    });
  });

  it("sub prints a readable form by default; text payloads stay text", async () => {
    const sub = junction(["sub", "notes.*", "--count", "1", "--server", nats.url], {}, "listening");
    await sub.ready;
    const pub = await junction(["pub", "notes.a", "hello there", "--server", nats.url]).done;
    assert.equal(pub.code, 0, pub.stderr);
    const got = await sub.done;
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^#1 notes\.a\n/);
    assert.match(got.stdout, /id: \S+ {2}correlation: \S+ {2}causation: -/);
    assert.match(got.stdout, /Content-Type: text\/plain; charset=utf-8/);
    assert.match(got.stdout, /\n {2}hello there\n/);
  });

  it("req prints the reply; a service error goes to stderr with its code and exit 1", async () => {
    // Each CLI start costs about a second (tsx): run them side by side.
    const [ok, failed, nobody] = await Promise.all([
      junction(["req", "svc.echo", '{"q":1}', "--server", nats.url]).done,
      junction(["req", "svc.fail", "--server", nats.url]).done,
      junction(["req", "svc.none", "--server", nats.url, "--timeout", "500"]).done,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const reply = JSON.parse(ok.stdout);
    assert.deepEqual(reply.echo, { q: 1 });
    assert.equal(typeof reply.correlationId, "string");

    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, "");
    assert.match(failed.stderr, /service error 409: already exists/);

    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /ERR_NO_RESPONDERS/);
  });

  it("falls back to the config's nats.servers, then to a running local stack's endpoints.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "junction-tools-"));
    try {
      const urlConfig = join(dir, "url.yaml");
      writeFileSync(urlConfig, `nats: { servers: "${nats.url}" }\n`);
      const viaUrl = await junction(["req", "svc.echo", '{"q":2}', "-c", urlConfig], { NATS_URL: "" }).done;
      assert.equal(viaUrl.code, 0, viaUrl.stderr);
      assert.deepEqual(JSON.parse(viaUrl.stdout).echo, { q: 2 });

      // `servers: local` means the stack `junction up` runs in this directory: its endpoints.json.
      mkdirSync(join(dir, ".junction"));
      writeFileSync(join(dir, ".junction", "endpoints.json"), JSON.stringify({ nats: nats.url }));
      writeFileSync(join(dir, "junction.yaml"), "nats: { servers: local }\n");
      const viaLocal = await junction(["req", "svc.echo", '{"q":3}'], { NATS_URL: "" }, undefined, dir).done;
      assert.equal(viaLocal.code, 0, viaLocal.stderr);
      assert.deepEqual(JSON.parse(viaLocal.stdout).echo, { q: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects bad arguments with exit 2 and an unreachable server with exit 1", async () => {
    const [badHeader, badCount, down] = await Promise.all([
      junction(["pub", "a.b", "x", "--header", "novalue", "--server", nats.url]).done,
      junction(["sub", "a.b", "--count", "0", "--server", nats.url]).done,
      junction(["pub", "a.b", "--server", "nats://127.0.0.1:1"]).done,
    ]);
    assert.equal(badHeader.code, 2);
    assert.equal(badCount.code, 2);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot connect to nats:\/\/127\.0\.0\.1:1/);
  });
});
