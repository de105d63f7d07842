// `junction req` on subjects a stream stores: a durable request with --idempotency-key, a refusal
// without one, and never a PubAck printed as if it were the reply. Real nats-server, CLI as a process.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { runJunction } from "./testdata/run-junction.ts";

describe("junction req on durable subjects", { timeout: 180_000 }, () => {
  let nats: TestNats;
  let worker: JunctionClient;
  let config: string;
  const runs: string[] = [];

  before(async () => {
    nats = await startTestNats();
    worker = await connect({ servers: nats.url, name: "authorize worker" });
    await worker.jetstream().ensureStream({ name: "PAY", subjects: ["pay.>"] });
    await worker.jetstream().durableResponder<{ amount: number }>("PAY", "payments-authorize", (job) => {
      runs.push(job.idempotencyKey ?? "");
      return { authorized: job.data.amount, run: runs.length };
    });
    config = join(nats.dir, "junction.yaml");
    writeFileSync(
      config,
      `nats: { servers: "${nats.url}" }
streams:
  - { name: PAY, subjects: ["pay.>"] }
operations:
  - { name: payments.authorize, subject: "pay.{merchantId}.authorize", kind: durable, stream: PAY, timeoutMs: 5000 }
`,
    );
  });
  after(async () => {
    await worker?.drain();
    await nats?.dispose();
  });

  const req = (...args: string[]) => runJunction(["req", ...args], { cwd: nats.dir });

  it("refuses a durable operation without --idempotency-key, in one sentence saying how", async () => {
    const run = await req("-c", config, "pay.m1.authorize", '{"amount":5}');
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr.trim(),
      "junction: pay.m1.authorize is the durable operation payments.authorize: send it with --idempotency-key KEY to run it once and print its stored outcome (a plain request would only get the stream's acknowledgement)",
    );
  });

  it("sends it as a durable request with --idempotency-key and prints the stored outcome, once per key", async () => {
    const first = await req("-c", config, "pay.m1.authorize", '{"amount":5}', "--idempotency-key", "k-1");
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { authorized: 5, run: 1 });
    const again = await req("-c", config, "pay.m1.authorize", '{"amount":5}', "--idempotency-key", "k-1");
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { authorized: 5, run: 1 });
    assert.deepEqual(runs, ["k-1"]);
  });

  it("without a config, recognises a PubAck and says so instead of printing it", async () => {
    // Run where no junction.yaml is, so nothing tells the CLI that a stream stores the subject.
    const run = await runJunction(["req", "--server", nats.url, "pay.m2.other", '{"amount":1}'], {
      cwd: tmpdir(),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^junction: stream PAY stored pay\.m2\.other and answered with its acknowledgement, not a reply .*--idempotency-key/,
    );
  });
});
