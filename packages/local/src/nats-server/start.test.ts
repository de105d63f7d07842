import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readServerInfo } from "@junction/testkit";
import { NatsServerConfigError, NatsServerMissingError, NatsServerStartError } from "./errors.ts";
import { startNatsServer } from "./start.ts";
import type { NatsServer } from "./types.ts";

/** A temp dir plus `track(server)`; one after-hook stops tracked servers, then deletes the dir. */
async function workspace(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), "junction-local-"));
  const servers: NatsServer[] = [];
  t.after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  });
  const track = (server: NatsServer) => {
    servers.push(server);
    return server;
  };
  return { dir, track };
}

test("starts with JetStream on random loopback ports and stops", async (t) => {
  const { dir, track } = await workspace(t);
  const server = track(await startNatsServer({ storeDir: join(dir, "store"), serverName: "local-test" }));

  assert.match(server.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  assert.match(server.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.url, `nats://127.0.0.1:${server.port}`);
  assert.equal(server.storeDir, join(dir, "store"));
  assert.match(await readFile(join(dir, "nats.conf"), "utf8"), /listen: 127\.0\.0\.1:-1/);

  // readServerInfo rejects unless the greeting is an `INFO {...}` line.
  const info = await readServerInfo(server.url);
  assert.equal(info.jetstream, true);
  assert.equal(info.server_name, "local-test");
  assert.equal((await fetch(`${server.httpUrl}/healthz`)).status, 200);

  await server.stop();
  await server.exited;
  await server.stop(); // idempotent
  await assert.rejects(readServerInfo(server.url));
});

test("jetstream: false runs without a store", async (t) => {
  const { dir, track } = await workspace(t);
  const server = track(await startNatsServer({ jetstream: false, configDir: dir }));
  assert.equal(server.storeDir, undefined);
  assert.equal((await readServerInfo(server.url)).jetstream, undefined);
});

test("kill() ends the process and `exited` reports it", async (t) => {
  const { dir, track } = await workspace(t);
  const server = track(await startNatsServer({ jetstream: false, configDir: dir }));
  server.kill();
  assert.equal(await server.exited, null);
});

test("a missing binary gives NatsServerMissingError", async (t) => {
  const { dir } = await workspace(t);
  const err = await startNatsServer({
    storeDir: join(dir, "store"),
    binary: "/nonexistent/nats-server",
  }).catch((e: unknown) => e);
  assert.ok(err instanceof NatsServerMissingError);
  assert.equal(err.code, "ERR_NATS_SERVER_MISSING");
  assert.match(err.message, /npm run setup/);
  assert.match(err.message, /apt-get install -y nats-server/);
});

test("JetStream without storeDir is a config error", async () => {
  await assert.rejects(startNatsServer({}), NatsServerConfigError);
});

test("a server that exits during start gives NatsServerStartError with its output", async (t) => {
  const { dir } = await workspace(t);
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const { port } = taken.address() as { port: number };

  const err = await startNatsServer({ jetstream: false, configDir: dir, port }).catch((e: unknown) => e);
  assert.ok(err instanceof NatsServerStartError, String(err));
  assert.equal(err.code, "ERR_NATS_SERVER_START");
  assert.match(err.message, /address already in use/);
});

test("runs the server in a process group of its own, so a terminal's Ctrl-C reaches only its owner", async (t) => {
  const { dir, track } = await workspace(t);
  const server = track(await startNatsServer({ jetstream: false, configDir: dir }));
  // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm has no spaces here.
  const pgrp = async (pid: number) => Number((await readFile(`/proc/${pid}/stat`, "utf8")).split(" ")[4]);
  assert.equal(await pgrp(server.pid), server.pid, "the server leads its own group");
  assert.notEqual(await pgrp(process.pid), server.pid);
});

test("a server whose owner is killed outright (SIGKILL) stops too", async (t) => {
  const { dir } = await workspace(t);
  const owner = spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      import.meta.resolve("tsx"),
      fileURLToPath(new URL("./testdata/owner.ts", import.meta.url)),
      dir,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  t.after(() => owner.kill("SIGKILL"));
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    owner.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("\n")) resolve(out.trim());
    });
    owner.once("exit", () => reject(new Error(`the owner exited early: ${out}`)));
  });
  const [pid, port] = line.split(" ").map(Number) as [number, number];
  assert.ok(await alive(pid), "the server runs while its owner does");
  owner.kill("SIGKILL");
  const end = Date.now() + 15_000;
  while ((await alive(pid)) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await alive(pid), false, "the server outlived its owner");
  await assert.rejects(readServerInfo(`nats://127.0.0.1:${port}`));
});

/** Whether a process runs: exists and is not a zombie waiting for init (its new parent) to reap it. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.split(" ")[2] !== "Z";
}
