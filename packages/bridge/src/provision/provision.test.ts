import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ListRulesCommand, PutRuleCommand } from "@aws-sdk/client-eventbridge";
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
  - { name: RESULTS, subjects: ["results.>"], storage: memory }
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
subscriptions:
  - { name: done, bus: jobs-bus, source: jobs, detailType: "Job *", subject: "jobs.{kind}.{id}.done", captures: { id: detail.jobId } }
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
      { name: "RESULTS", subjects: ["results.>"], storage: "memory", retention: "limits", replicas: 1 },
    ]);
    assert.deepEqual(plan.kvBuckets, ["JOB_STATE"]);
    assert.deepEqual(
      plan.queues.map((q) => [q.name, q.fifo, q.dlq.name]),
      [
        ["jobs-audit.fifo", true, "jobs-audit-dlq.fifo"],
        ["results", false, "results-dlq"],
        ["junction-done", false, "junction-done-dlq"],
      ],
    );
    assert.deepEqual(plan.rules, [
      {
        name: "junction-done",
        bus: "jobs-bus",
        queue: "junction-done",
        pattern: {
          source: ["jobs"],
          "detail-type": [{ wildcard: "Job *" }],
          detail: { kind: [{ exists: true }], jobId: [{ exists: true }] },
        },
      },
    ]);
    assert.deepEqual(plan.tables, [
      {
        name: "Jobs",
        keys: [
          { name: "jobId", type: "S" },
          { name: "at", type: "N" },
        ],
      },
      { name: "job-state", keys: [{ name: "key", type: "S" }] },
    ]);
    assert.deepEqual(plan.buses, ["jobs-bus"]);
    assert.deepEqual(
      plan.ruleBuses,
      ["jobs-bus"],
      "stale rules are looked for only where the config puts events",
    );
    const noEvents = loadConfig(`streams: [{ name: S, subjects: ["s.>"] }]`, { env: {} }).config;
    assert.deepEqual(planProvision(noEvents).ruleBuses, [], "a config without EventBridge never calls it");
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
          "created stream RESULTS",
          "created kv bucket JOB_STATE",
          "created queue jobs-audit.fifo",
          "created queue results",
          "created queue junction-done",
          "created table Jobs",
          "created table job-state",
          "created event bus jobs-bus",
          "created rule junction-done (bus jobs-bus)",
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

    it("removes the rules of subscriptions no longer in the config, and only those", async () => {
      const { eventbridge } = clients;
      await eventbridge.send(
        new PutRuleCommand({
          Name: "junction-mine",
          EventBusName: "jobs-bus",
          EventPattern: '{"source":["x"]}',
        }),
      );
      const without = loadConfig(
        `streams: [{ name: JOBS, subjects: ["jobs.>"], storage: memory }]
routes:
  - { name: j, from: { subject: "jobs.{id}", stream: JOBS }, to: [{ type: eventbridge, bus: jobs-bus, source: j, detailType: J }] }
`,
        { env: {} },
      );
      const actions = await applyProvision(planProvision(without.config), { aws: clients });
      assert.deepEqual(
        actions.filter((a) => a.kind === "rule").map((a) => `${a.outcome} ${a.name}`),
        ["removed junction-done (bus jobs-bus)"],
      );
      const { Rules = [] } = await eventbridge.send(new ListRulesCommand({ EventBusName: "jobs-bus" }));
      assert.deepEqual(
        Rules.map((r) => r.Name),
        ["junction-mine"],
        "a rule Junction did not make is left alone, whatever its name",
      );
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
