// The console after a hot reload: a redrive maps the dead letter with the config in force now, not the
// one `junction up` started with (a fixed config fixes its dead letters, as `junction dlq redrive` does).
// The ops listener is protected by `ops.auth` here, so every console call carries the key.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type JunctionProcess, spawnJunction, waitFor } from "@junction/testkit";

const dir = mkdtempSync(join(tmpdir(), "junction-console-reload-"));
const config = (queue: string) => `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops:
  listen: "127.0.0.1:0"
  auth: { apiKeys: { operator: { env: JUNCTION_OPS_KEY } } }
streams:
  - { name: SHOP, subjects: ["late.>"], maxAge: 1h }
routes:
  - name: late
    from: { subject: "late.{id}", stream: SHOP }
    to: [{ type: sqs, queue: "${queue}" }]
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: "/v1/late/:id", publish: "late.{id}" }
`;
writeFileSync(join(dir, "junction.yaml"), config("late-{id}"));

type Letter = { seq: number; route: string };
const KEY = "console-reload-test-key";
const withKey = { "x-api-key": KEY };

describe("the console after a reload", () => {
  let up: JunctionProcess;
  let endpoints: { aws: string; gateway: string; ops: string };
  before(async () => {
    up = spawnJunction(["up"], { cwd: dir, env: { JUNCTION_OPS_KEY: KEY } });
    await up.waitForOutput(/Ctrl-C/, 60_000);
    endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
  });
  after(async () => {
    await up.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks for ops.auth's key everywhere but the probes", async () => {
    assert.equal((await fetch(`${endpoints.ops}/healthz`)).status, 200);
    const anonymous = await fetch(`${endpoints.ops}/console/data`);
    assert.equal(anonymous.status, 401);
    assert.doesNotMatch(await anonymous.text(), new RegExp(KEY));
    assert.doesNotMatch(up.output(), new RegExp(KEY));
    // `junction status` sends the key from its environment.
    const status = spawnJunction(["status", "--ops", endpoints.ops, "--json"], {
      cwd: dir,
      env: { JUNCTION_OPS_KEY: KEY },
    });
    assert.equal(await status.exited, 0, status.output());
    const refused = spawnJunction(["status", "--ops", endpoints.ops], {
      cwd: dir,
      env: { JUNCTION_OPS_KEY: "" },
    });
    assert.equal(await refused.exited, 1);
    assert.match(refused.stderr(), /answered 401/);
  });

  it("redrives a dead letter with the reloaded config", async () => {
    // No queue late-x1: the letter is dead.
    const res = await fetch(`${endpoints.gateway}/v1/late/x1`, { method: "POST", body: '{"late":true}' });
    assert.equal(res.status, 202);
    let letter: Letter | undefined;
    await waitFor(
      "the dead letter",
      async () => {
        const data = (await (await fetch(`${endpoints.ops}/console/data`, { headers: withKey })).json()) as {
          deadLetters: Letter[];
        };
        letter = data.deadLetters.find((l) => l.route === "late");
        return letter !== undefined || "none yet";
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    // The fix: the route now sends to a queue that exists. Only the reloaded config can deliver it.
    const sqs = new SQSClient({
      endpoint: endpoints.aws,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "late-fixed" }));
    writeFileSync(join(dir, "junction.yaml"), config("late-fixed"));
    await up.waitForOutput(/config reloaded from/, 30_000);

    const redrive = await fetch(`${endpoints.ops}/console/redrive?seq=${letter?.seq}`, {
      method: "POST",
      headers: { "x-junction-action": "redrive", ...withKey },
    });
    assert.deepEqual(await redrive.json(), { ok: true });
    assert.equal(redrive.status, 200);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    assert.equal(got.Messages?.[0]?.Body, '{"late":true}');
  });
});
