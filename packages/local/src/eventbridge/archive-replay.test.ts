import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CancelReplayCommand,
  CreateArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListArchivesCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
} from "@aws-sdk/client-eventbridge";
import { awsError, type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

const BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default";
let h: Harness;
let clock = new Date("2026-03-04T05:00:00Z");

before(async () => {
  h = await startHarness({ now: () => clock });
  await h.client.send(
    new PutRuleCommand({ Name: "orders", EventPattern: JSON.stringify({ source: ["shop"] }) }),
  );
  await h.client.send(new PutTargetsCommand({ Rule: "orders", Targets: [{ Id: "q", Arn: QUEUE }] }));
  await h.client.send(
    new PutRuleCommand({ Name: "other", EventPattern: JSON.stringify({ source: ["shop"] }) }),
  );
  await h.client.send(
    new PutTargetsCommand({ Rule: "other", Targets: [{ Id: "q", Arn: `${QUEUE}-other` }] }),
  );
});
after(() => h.close());

const put = async (total: number) => {
  await h.client.send(
    new PutEventsCommand({
      Entries: [{ Source: "shop", DetailType: "order", Detail: JSON.stringify({ total }) }],
    }),
  );
  await h.bridge.settled();
};

test("an archive keeps the events its pattern takes; a replay sends a time range of them again", async () => {
  const created = await h.client.send(
    new CreateArchiveCommand({
      ArchiveName: "big-orders",
      EventSourceArn: BUS,
      EventPattern: JSON.stringify({ detail: { total: [{ numeric: [">", 100] }] } }),
      RetentionDays: 1,
    }),
  );
  assert.equal(created.ArchiveArn, "arn:aws:events:us-east-1:000000000000:archive/big-orders");
  assert.equal(created.State, "ENABLED");
  assert.equal(
    (
      await awsError(
        h.client.send(new CreateArchiveCommand({ ArchiveName: "big-orders", EventSourceArn: BUS })),
      )
    ).name,
    "ResourceAlreadyExistsException",
  );

  await put(150); // 05:00, archived
  await put(5); // not archived: the pattern does not take it
  clock = new Date("2026-03-04T06:00:00Z");
  await put(500); // 06:00, archived
  const described = await h.client.send(new DescribeArchiveCommand({ ArchiveName: "big-orders" }));
  assert.equal(described.EventCount, 2);
  assert.ok((described.SizeBytes ?? 0) > 0);
  assert.deepEqual(
    (await h.client.send(new ListArchivesCommand({ EventSourceArn: BUS }))).Archives?.map(
      (a) => a.ArchiveName,
    ),
    ["big-orders"],
  );

  h.sqs.length = 0;
  const started = await h.client.send(
    new StartReplayCommand({
      ReplayName: "first-hour",
      EventSourceArn: created.ArchiveArn,
      EventStartTime: new Date("2026-03-04T04:30:00Z"),
      EventEndTime: new Date("2026-03-04T05:30:00Z"),
      Destination: { Arn: BUS, FilterArns: ["arn:aws:events:us-east-1:000000000000:rule/orders"] },
    }),
  );
  assert.equal(started.State, "STARTING");
  await h.bridge.settled();
  const replay = await h.client.send(new DescribeReplayCommand({ ReplayName: "first-hour" }));
  assert.equal(replay.State, "COMPLETED");
  // Only the rule named in FilterArns, only the event of the range, marked as replayed.
  assert.deepEqual(
    h.sqs.map((c) => [c.queueArn, JSON.parse(c.body).detail.total, JSON.parse(c.body)["replay-name"]]),
    [[QUEUE, 150, "first-hour"]],
  );
  // Replayed events are not archived again.
  assert.equal(
    (await h.client.send(new DescribeArchiveCommand({ ArchiveName: "big-orders" }))).EventCount,
    2,
  );
});

test("StartReplay refuses another bus, an upside-down range and a missing archive; a finished replay cannot be cancelled", async () => {
  const archive = "arn:aws:events:us-east-1:000000000000:archive/big-orders";
  const range = {
    EventStartTime: new Date("2026-03-04T04:00:00Z"),
    EventEndTime: new Date("2026-03-04T07:00:00Z"),
  };
  const other = await awsError(
    h.client.send(
      new StartReplayCommand({
        ReplayName: "elsewhere",
        EventSourceArn: archive,
        ...range,
        Destination: { Arn: "arn:aws:events:us-east-1:000000000000:event-bus/other" },
      }),
    ),
  );
  assert.deepEqual(other, {
    name: "ValidationException",
    message: "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
  });
  const backwards = await awsError(
    h.client.send(
      new StartReplayCommand({
        ReplayName: "backwards",
        EventSourceArn: archive,
        EventStartTime: range.EventEndTime,
        EventEndTime: range.EventStartTime,
        Destination: { Arn: BUS },
      }),
    ),
  );
  assert.equal(backwards.name, "ValidationException");
  const missing = await awsError(
    h.client.send(
      new StartReplayCommand({
        ReplayName: "missing",
        EventSourceArn: "arn:aws:events:us-east-1:000000000000:archive/nope",
        ...range,
        Destination: { Arn: BUS },
      }),
    ),
  );
  assert.deepEqual(missing, { name: "ResourceNotFoundException", message: "Archive nope does not exist." });
  assert.equal(
    (await awsError(h.client.send(new CancelReplayCommand({ ReplayName: "first-hour" })))).name,
    "IllegalStatusException",
  );
});
