import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GetQueueAttributesCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { type AwsClientSet, createAwsClients } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import { applyProvision, type ProvisionAction } from "./apply.ts";
import { planProvision } from "./plan.ts";

const { config } = loadConfig(
  `streams:
  - { name: JOBS, subjects: ["jobs.>"], maxAge: 2h, duplicateWindow: 30s, storage: memory }
routes:
  - name: jobs
    from: { subject: "jobs.{kind}.{id}", stream: JOBS }
    to:
      - { type: sqs, queue: "jobs-{kind}.fifo", groupId: "{id}" }
      - { type: sqs, queue: jobs-audit.fifo, groupId: "{id}" }
      - { type: dynamodb, table: Jobs, key: { jobId: "{id}", at: "{$seq|number}" }, set: { kind: "{kind}" } }
      - { type: dynamodb, table: Blobs, item: { body: "{$json}" } }
      - { type: eventbridge, bus: jobs-bus, source: jobs, detailType: Job }
inbound:
  - { name: results, from: { type: sqs, queue: results }, to: "results.{$attr.Kind}" }
kv:
  - { bucket: JOB_STATE, table: job-state }
`,
  { env: {} },
);

describe("provisioning", () => {
  it("plans only what the config names with constant names, and says what it skips", () => {
    const plan = planProvision(config);
    assert.deepEqual(plan.streams, [
      {
        name: "JOBS",
        subjects: ["jobs.>"],
        storage: "memory",
        retention: "limits",
        replicas: 1,
        maxAgeMs: 7_200_000,
        duplicateWindowMs: 30_000,
      },
    ]);
    assert.deepEqual(plan.kvBuckets, ["JOB_STATE"]);
    assert.deepEqual(
      plan.queues.map((q) => [q.name, q.fifo, q.dlq.name]),
      [
        ["jobs-audit.fifo", true, "jobs-audit-dlq.fifo"],
        ["results", false, "results-dlq"],
      ],
    );
    assert.deepEqual(plan.tables, [
      {
        name: "Jobs",
        keys: [
          { name: "jobId", type: "S" },
          { name: "at", type: "N" },
        ],
      },
    ]);
    assert.deepEqual(plan.buses, ["jobs-bus"]);
    assert.deepEqual(plan.skipped, [
      'sqs queue "jobs-{kind}.fifo" (its name depends on the message)',
      'dynamodb table "Blobs" (the route gives no key:, so its key schema is unknown)',
    ]);
  });

  describe("against a real nats-server and the local AWS edge", () => {
    let nats: TestNats;
    let aws: LocalAws;
    let client: JunctionClient;
    let clients: AwsClientSet;
    const dir = mkdtempSync(join(tmpdir(), "junction-provision-"));
    before(async () => {
      nats = await startTestNats();
      aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
      client = await connect(nats.url);
      clients = createAwsClients({ region: "us-east-1", url: aws.url });
    });
    after(async () => {
      clients?.destroy();
      await client?.drain();
      await aws?.close();
      await nats?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("creates everything once, then leaves it all unchanged", async () => {
      const plan = planProvision(config);
      const first: ProvisionAction[] = await applyProvision(plan, { nats: client, aws: clients });
      assert.deepEqual(
        first.map((a) => `${a.outcome} ${a.kind} ${a.name}`),
        [
          "created stream JOBS",
          "created kv bucket JOB_STATE",
          "created queue jobs-audit.fifo",
          "created queue results",
          "created table Jobs",
          "created event bus jobs-bus",
        ],
      );
      const second = await applyProvision(plan, { nats: client, aws: clients });
      assert.deepEqual(
        second.map((a) => a.outcome),
        Array(first.length).fill("unchanged"),
      );

      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: "jobs-audit.fifo" }));
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["FifoQueue", "RedrivePolicy"] }),
      );
      assert.equal(Attributes?.FifoQueue, "true");
      assert.equal(
        JSON.parse(Attributes?.RedrivePolicy ?? "{}").deadLetterTargetArn,
        "arn:aws:sqs:us-east-1:000000000000:jobs-audit-dlq.fifo",
      );
      const stream = await (await client.jetstream().manager()).streams.info("JOBS");
      assert.equal(stream.config.max_age, 7_200_000_000_000);
      assert.equal(stream.config.storage, "memory");
    });

    it("updates a stream whose settings changed", async () => {
      const changed = loadConfig(
        `streams: [{ name: JOBS, subjects: ["jobs.>", "tasks.>"], storage: memory }]`,
        { env: {} },
      );
      const [action] = await applyProvision(planProvision(changed.config), { nats: client });
      assert.equal(action?.outcome, "updated");
    });
  });
});
