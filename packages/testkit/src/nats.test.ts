import assert from "node:assert/strict";
import { access, readdir } from "node:fs/promises";
import { test } from "node:test";
import { startTestNats } from "./nats.ts";
import { readServerInfo } from "./server-info.ts";

test("startTestNats serves JetStream on a random loopback port", async (t) => {
  const nats = await startTestNats();
  t.after(() => nats.dispose());
  assert.match(nats.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  const info = await readServerInfo(nats.url);
  assert.equal(info.jetstream, true);
  assert.equal(info.port, nats.port);
});

test("restart() keeps the client port and the store dir", async (t) => {
  const nats = await startTestNats();
  t.after(() => nats.dispose());
  const serverId = (await readServerInfo(nats.url)).server_id;
  // nats-server creates its JetStream dirs on start; they must survive the restart.
  const before = await readdir(nats.storeDir as string, { recursive: true });
  assert.ok(before.length > 0);

  await nats.stop();
  assert.equal(nats.running, false);
  await assert.rejects(readServerInfo(nats.url));
  await nats.restart();
  assert.equal(nats.running, true);

  const info = await readServerInfo(nats.url);
  assert.equal(info.port, nats.port);
  assert.equal(info.jetstream, true);
  assert.notEqual(info.server_id, serverId, "a new process");
  assert.deepEqual((await readdir(nats.storeDir as string, { recursive: true })).sort(), before.sort());

  await nats.kill();
  await nats.restart(); // after a crash, too
  assert.equal((await readServerInfo(nats.url)).port, nats.port);
});

test("dispose() deletes the temp dir and works with await using", async () => {
  let dir: string;
  {
    await using nats = await startTestNats({ jetstream: false });
    dir = nats.dir;
    assert.equal(nats.storeDir, undefined);
    assert.equal((await readServerInfo(nats.url)).jetstream, undefined);
  }
  await assert.rejects(access(dir), { code: "ENOENT" });
});
