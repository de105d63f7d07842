// Hot reload under load: ten reloads (valid and invalid alternating; a route changed every time, one
// added, then removed) while 10,000 messages flow through `junction up` into an SQS FIFO queue.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { connect } from "@junction/sdk";
import { spawnJunction } from "@junction/testkit";

const MESSAGES = 10_000;
const KEYS = 20;
const dir = mkdtempSync(join(tmpdir(), "junction-reload-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Version `v` of the config: the orders route writes `v` into every body; `audit` exists in 2 and 3. */
const config = (v: number) => `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: ORDERS, subjects: ["orders.>", "audit.>"] }
routes:
  - name: orders
    from: { subject: "orders.{key}.{n}", stream: ORDERS }
    to:
      - { type: sqs, queue: out.fifo, groupId: "{key}", dedupId: "{$id}", body: "${v} {key} {n}" }
${
  v === 2 || v === 3
    ? `  - name: audit
    from: { subject: "audit.{id}", stream: ORDERS }
    to:
      - { type: sqs, queue: audit, body: "${v} {id}" }
`
    : ""
}`;
const invalid = (v: number) => `${config(v)}bogus: true\n`;

describe("junction up reloads its config", { timeout: 300_000 }, () => {
  it("swaps routes while 10,000 messages flow: none lost, none twice, each key in order", async (t) => {
    const file = join(dir, "junction.yaml");
    writeFileSync(file, config(1));
    const up = spawnJunction(["up"], { cwd: dir });
    try {
      await up.waitForOutput(/Ctrl-C/, 60_000);
      const endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
      const nc = await connect(endpoints.nats);
      // Closed, not drained: once the stack has stopped a drain would wait for it forever.
      t.after(() => nc.nc.close());
      const js = nc.jetstream();
      const count = (re: RegExp) => up.output().match(re)?.length ?? 0;

      // The flow: KEYS keys, each key's n counting up, published in order over the whole run.
      let published = 0;
      let publishing = true;
      const publisher = (async () => {
        while (published < MESSAGES) {
          const batch = [];
          for (let i = 0; i < 100; i++, published++) {
            batch.push(js.publish(`orders.k${published % KEYS}.${Math.floor(published / KEYS)}`, "x"));
          }
          await Promise.all(batch);
          // Spread over the reloads (about 10 s).
          await new Promise((r) => setTimeout(r, 80));
        }
        publishing = false;
      })();

      // Ten reloads: invalid, valid v2 (orders changed, audit added), invalid, v3 (both changed), …
      let version = 1;
      for (let step = 1; step <= 10; step++) {
        const valid = step % 2 === 0;
        if (valid) version++;
        const before = { applied: count(/config reloaded/g), invalid: count(/is invalid/g) };
        writeFileSync(file, valid ? config(version) : invalid(version + 1));
        // SIGHUP as well as the file watch, half of the time: both are triggers, they coalesce.
        if (step % 4 === 0) up.child.kill("SIGHUP");
        const end = Date.now() + 30_000;
        while (valid ? count(/config reloaded/g) <= before.applied : count(/is invalid/g) <= before.invalid) {
          if (Date.now() > end) assert.fail(`reload ${step} not reported:\n${up.output()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        if (version === 2 && valid) await js.publish("audit.1", "a");
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.equal(version, 6);
      await publisher;
      assert.equal(publishing, false);
      // After the last reload everything published gets the last mapping.
      await js.publish(`orders.k0.${MESSAGES}`, "x");

      const sqs = new SQSClient({
        endpoint: endpoints.aws,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      t.after(() => sqs.destroy());
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "out.fifo" }));
      const bodies: string[] = [];
      const end = Date.now() + 120_000;
      while (bodies.length < MESSAGES + 1 && Date.now() < end) {
        const got = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const messages = got.Messages ?? [];
        if (messages.length === 0) continue;
        bodies.push(...messages.map((m) => m.Body as string));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
      // Nothing more arrives: no duplicates after the count is reached.
      const late = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
      assert.equal(late.Messages, undefined, "a duplicate arrived late");
      assert.equal(bodies.length, MESSAGES + 1, `received ${bodies.length}`);

      const lastN = new Map<string, number>();
      const lastVersion = new Map<string, number>();
      const seen = new Set<string>();
      for (const body of bodies) {
        const [v, key, n] = body.split(" ") as [string, string, string];
        assert.ok(!seen.has(`${key} ${n}`), `${key} ${n} twice`);
        seen.add(`${key} ${n}`);
        assert.ok(Number(n) > (lastN.get(key) ?? -1), `${key}: ${n} after ${lastN.get(key)}`);
        assert.ok(
          Number(v) >= (lastVersion.get(key) ?? 1),
          `${key} ${n}: mapping ${v} after ${lastVersion.get(key)}`,
        );
        lastN.set(key, Number(n));
        lastVersion.set(key, Number(v));
      }
      assert.ok(bodies.includes(`6 k0 ${MESSAGES}`), "the last message did not get the last mapping");
      assert.ok(new Set(bodies.map((b) => b.split(" ")[0])).size > 2, "the reloads changed nothing");

      // The added route delivered; the removed route's consumer is gone.
      const audit = await sqs.send(new GetQueueUrlCommand({ QueueName: "audit" }));
      const auditGot = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: audit.QueueUrl, WaitTimeSeconds: 1 }),
      );
      assert.equal(auditGot.Messages?.[0]?.Body, "2 1");
      const jsm = await js.manager();
      await assert.rejects(jsm.consumers.info("ORDERS", "audit"));

      const metrics = await (await fetch(endpoints.metrics)).text();
      assert.match(metrics, /^junction_config_reloads_total\{result="invalid"\} 5$/m);
      assert.match(metrics, /^junction_config_reloads_total\{result="applied"\} 5$/m);
      assert.equal(await up.kill("SIGTERM"), 0, up.output());
    } finally {
      await up.kill();
    }
  });
});
