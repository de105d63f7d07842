// `junction dlq` against a real nats-server and the local edge endpoint: a dead letter of an SDK worker
// and one of a bridge route (written by `junction run`) are listed, shown and redriven alike.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { PoisonMessageError } from "@junction/sdk";
import { DLQ_STREAM } from "@junction/sdk/jetstream";
import { spawnJunction, waitFor } from "@junction/testkit";
import { type RunStack, startRunStack } from "./testdata/run-stack.ts";

describe("junction dlq: worker and bridge dead letters", { timeout: 120_000 }, () => {
  let stack: RunStack;
  before(async () => {
    stack = await startRunStack(`dlq: { maxMsgs: 1000, maxAge: 1d }
streams:
  - { name: DLQT, subjects: ["late.>", "jobs.>"] }
routes:
  - name: late
    from: { subject: "late.{n}", stream: DLQT }
    to: [{ type: sqs, queue: "late-{n}" }]
`);
  });
  after(() => stack?.dispose());

  const dlq = async (...args: string[]) => {
    const p = spawnJunction(["dlq", ...args, "-c", "junction.yaml"], {
      cwd: stack.dir,
      env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
    });
    const status = await p.exited;
    return { status, stdout: p.output() };
  };

  it("lists, shows and redrives both with their real time, message id, subject and origin", async () => {
    const js = stack.client.jetstream();
    const started = Date.now();
    // The SDK worker refuses its first message (poison), and takes everything once fixed.
    let fixed = false;
    const handled: unknown[] = [];
    const worker = await js.worker(
      "DLQT",
      "billing",
      (job) => {
        if (!fixed) throw new PoisonMessageError("unknown invoice version");
        handled.push(job.data);
      },
      { filterSubject: "jobs.>" },
    );
    try {
      const job = await js.publish("jobs.invoice", { invoice: 1 });
      await stack.startRun();
      const late = await js.publish("late.7", { n: 7 });

      // biome-ignore lint/suspicious/noExplicitAny: JSON lines of the CLI
      let listed: Record<string, any>[] = [];
      await waitFor("both dead letters", async () => {
        const out = (await dlq("list", "--json")).stdout.trim();
        listed = out === "" ? [] : out.split("\n").map((l) => JSON.parse(l));
        return listed.length === 2 ? true : `${listed.length} listed`;
      });
      const byOrigin = (o: string) => listed.find((l) => o in l) ?? assert.fail(`no letter with ${o}`);
      const fromWorker = byOrigin("worker");
      const fromRoute = byOrigin("route");
      assert.equal(fromWorker.worker, "billing");
      assert.equal(fromWorker.reason, "rejected");
      assert.equal(fromWorker.subject, "jobs.invoice");
      assert.equal(fromWorker.messageId, job.identity.id);
      assert.deepEqual(fromWorker.error, { code: "ERR_POISON_MESSAGE", message: "unknown invoice version" });
      assert.equal(fromRoute.route, "late");
      assert.equal(fromRoute.target, "sqs#0");
      assert.equal(fromRoute.reason, "rejected");
      assert.equal(fromRoute.subject, "late.7");
      assert.equal(fromRoute.messageId, late.identity.id);
      for (const l of [fromWorker, fromRoute]) {
        const at = Date.parse(l.time);
        assert.ok(at >= started - 1000 && at <= Date.now(), `time ${l.time}`);
      }

      // The human listing names each origin.
      const text = (await dlq("list")).stdout;
      assert.match(
        text,
        /worker billing\s+rejected\s+ERR_POISON_MESSAGE: unknown invoice version\s+jobs\.invoice/,
      );
      assert.match(text, /late sqs#0\s+rejected/);
      assert.match(text, /2 dead letter\(s\)/);
      const byWorker = (await dlq("list", "--worker", "billing", "--json")).stdout.trim().split("\n");
      assert.equal(byWorker.length, 1);

      const shown = JSON.parse((await dlq("show", String(fromWorker.id))).stdout);
      assert.equal(shown.worker, "billing");
      assert.equal(shown.data, '{"invoice":1}');
      assert.equal(shown.headers["Nats-Msg-Id"], job.identity.id);

      // Both fixed: the queue exists now, the worker accepts. One redrive takes both.
      await stack.sqs.send(new CreateQueueCommand({ QueueName: "late-7" }));
      fixed = true;
      const redrive = await dlq("redrive");
      assert.equal(redrive.status, 0, redrive.stdout);
      assert.match(redrive.stdout, /redrive \[█+\] 2\/2/);
      const { QueueUrl } = await stack.sqs.send(new CreateQueueCommand({ QueueName: "late-7" }));
      const got = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
      assert.equal(got.Messages?.[0]?.Body, '{"n":7}');
      await waitFor("the worker got its letter back", async () => (handled.length === 1 ? true : "not yet"));
      assert.deepEqual(handled, [{ invoice: 1 }]);
      assert.equal((await dlq("list")).stdout.trim(), "0 dead letter(s)");

      // The config's retention reached the stream the worker had created without it.
      const info = await (await js.manager()).streams.info(DLQ_STREAM);
      assert.equal(info.config.max_msgs, 1000);
      assert.equal(info.config.max_age, 86_400_000_000_000);
    } finally {
      await worker.stop();
    }
  });
});
