import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { awsError, type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ now: () => new Date("2026-01-02T03:04:05.678Z") });
});
after(() => h.close());

const ACCOUNT_BUS = "arn:aws:events:us-east-1:000000000000:event-bus";
const PATTERN = JSON.stringify({ source: ["shop"] });

test("the default bus always exists and cannot be deleted", async () => {
  const bus = await h.client.send(new DescribeEventBusCommand({}));
  assert.equal(bus.Name, "default");
  assert.equal(bus.Arn, `${ACCOUNT_BUS}/default`);
  assert.deepEqual(bus.CreationTime, new Date("2026-01-02T03:04:05.678Z"));
  assert.deepEqual(await awsError(h.client.send(new DeleteEventBusCommand({ Name: "default" }))), {
    name: "ValidationException",
    message: "Cannot delete event bus default.",
  });
});

test("bus lifecycle: create, list by prefix, describe, duplicate, delete", async () => {
  const created = await h.client.send(
    new CreateEventBusCommand({ Name: "orders-bus", Description: "orders" }),
  );
  assert.equal(created.EventBusArn, `${ACCOUNT_BUS}/orders-bus`);
  await h.client.send(new CreateEventBusCommand({ Name: "audit-bus" }));
  const listed = await h.client.send(new ListEventBusesCommand({ NamePrefix: "orders" }));
  assert.deepEqual(
    listed.EventBuses?.map((b) => [b.Name, b.Arn, b.Description]),
    [["orders-bus", `${ACCOUNT_BUS}/orders-bus`, "orders"]],
  );
  const all = await h.client.send(new ListEventBusesCommand({}));
  assert.deepEqual(
    all.EventBuses?.map((b) => b.Name),
    ["audit-bus", "default", "orders-bus"],
  );
  const byArn = await h.client.send(new DescribeEventBusCommand({ Name: `${ACCOUNT_BUS}/orders-bus` }));
  assert.equal(byArn.Name, "orders-bus");
  assert.deepEqual(await awsError(h.client.send(new CreateEventBusCommand({ Name: "orders-bus" }))), {
    name: "ResourceAlreadyExistsException",
    message: "Event bus orders-bus already exists.",
  });
  await h.client.send(new DeleteEventBusCommand({ Name: "orders-bus" }));
  await h.client.send(new DeleteEventBusCommand({ Name: "orders-bus" })); // gone already: still fine
  assert.deepEqual(await awsError(h.client.send(new DescribeEventBusCommand({ Name: "orders-bus" }))), {
    name: "ResourceNotFoundException",
    message: "Event bus orders-bus does not exist.",
  });
});

test("bus names are validated like AWS validates them", async () => {
  assert.deepEqual(await awsError(h.client.send(new CreateEventBusCommand({ Name: "a/b" }))), {
    name: "ValidationException",
    message: "Event bus name must not contain '/'.",
  });
  assert.deepEqual(await awsError(h.client.send(new CreateEventBusCommand({ Name: "bad name" }))), {
    name: "ValidationException",
    message:
      "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
  });
});

test("rule CRUD: ARNs per bus, describe, idempotent update, list by prefix, enable and disable", async () => {
  await h.client.send(new CreateEventBusCommand({ Name: "crud" }));
  const onDefault = await h.client.send(new PutRuleCommand({ Name: "r-default", EventPattern: PATTERN }));
  assert.equal(onDefault.RuleArn, "arn:aws:events:us-east-1:000000000000:rule/r-default");
  const first = await h.client.send(
    new PutRuleCommand({
      Name: "r1",
      EventBusName: "crud",
      EventPattern: PATTERN,
      Description: "one",
      State: "DISABLED",
    }),
  );
  assert.equal(first.RuleArn, "arn:aws:events:us-east-1:000000000000:rule/crud/r1");
  const described = await h.client.send(new DescribeRuleCommand({ Name: "r1", EventBusName: "crud" }));
  assert.deepEqual(
    [described.Name, described.Arn, described.EventPattern, described.State, described.Description],
    ["r1", first.RuleArn, PATTERN, "DISABLED", "one"],
  );
  assert.equal(described.EventBusName, "crud");
  assert.equal(described.CreatedBy, "000000000000");

  // PutRule again replaces every member (State omitted = ENABLED) and keeps the ARN.
  const again = await h.client.send(
    new PutRuleCommand({ Name: "r1", EventBusName: "crud", EventPattern: PATTERN }),
  );
  assert.equal(again.RuleArn, first.RuleArn);
  const updated = await h.client.send(new DescribeRuleCommand({ Name: "r1", EventBusName: "crud" }));
  assert.equal(updated.State, "ENABLED");
  assert.equal(updated.Description, undefined);

  await h.client.send(new PutRuleCommand({ Name: "r2", EventBusName: "crud", EventPattern: PATTERN }));
  await h.client.send(new PutRuleCommand({ Name: "other", EventBusName: "crud", EventPattern: PATTERN }));
  const byPrefix = await h.client.send(new ListRulesCommand({ EventBusName: "crud", NamePrefix: "r" }));
  assert.deepEqual(
    byPrefix.Rules?.map((r) => [r.Name, r.EventBusName]),
    [
      ["r1", "crud"],
      ["r2", "crud"],
    ],
  );
  const paged = await h.client.send(new ListRulesCommand({ EventBusName: "crud", Limit: 2 }));
  assert.deepEqual(
    paged.Rules?.map((r) => r.Name),
    ["other", "r1"],
  );
  const rest = await h.client.send(
    new ListRulesCommand({ EventBusName: "crud", NextToken: paged.NextToken }),
  );
  assert.deepEqual(
    rest.Rules?.map((r) => r.Name),
    ["r2"],
  );
  assert.equal(rest.NextToken, undefined);

  await h.client.send(new DisableRuleCommand({ Name: "r2", EventBusName: "crud" }));
  assert.equal(
    (await h.client.send(new DescribeRuleCommand({ Name: "r2", EventBusName: "crud" }))).State,
    "DISABLED",
  );
  await h.client.send(new EnableRuleCommand({ Name: "r2", EventBusName: "crud" }));
  assert.equal(
    (await h.client.send(new DescribeRuleCommand({ Name: "r2", EventBusName: "crud" }))).State,
    "ENABLED",
  );
  assert.deepEqual(
    await awsError(h.client.send(new EnableRuleCommand({ Name: "nope", EventBusName: "crud" }))),
    {
      name: "ResourceNotFoundException",
      message: "Rule nope does not exist on EventBus crud.",
    },
  );
});

test("DeleteRule fails while targets remain, succeeds after RemoveTargets, and for unknown rules", async () => {
  await h.client.send(new PutRuleCommand({ Name: "with-targets", EventPattern: PATTERN }));
  await h.client.send(new PutTargetsCommand({ Rule: "with-targets", Targets: [{ Id: "q", Arn: QUEUE }] }));
  assert.deepEqual(await awsError(h.client.send(new DeleteRuleCommand({ Name: "with-targets" }))), {
    name: "ValidationException",
    message: "Rule can't be deleted since it has targets.",
  });
  await h.client.send(new RemoveTargetsCommand({ Rule: "with-targets", Ids: ["q"] }));
  await h.client.send(new DeleteRuleCommand({ Name: "with-targets" }));
  assert.deepEqual(await awsError(h.client.send(new DescribeRuleCommand({ Name: "with-targets" }))), {
    name: "ResourceNotFoundException",
    message: "Rule with-targets does not exist on EventBus default.",
  });
  await h.client.send(new DeleteRuleCommand({ Name: "never-existed" }));
});

test("PutRule validation: pattern, schedule, name, bus", async () => {
  const invalid = await awsError(
    h.client.send(new PutRuleCommand({ Name: "bad", EventPattern: '{"source":"shop"}' })),
  );
  assert.equal(invalid.name, "InvalidEventPatternException");
  assert.match(invalid.message, /^Event pattern is not valid\. Reason: /);
  assert.deepEqual(await awsError(h.client.send(new PutRuleCommand({ Name: "empty" }))), {
    name: "ValidationException",
    message: "Parameter(s) EventPattern or ScheduleExpression must be specified.",
  });
  const scheduled = await h.client.send(
    new PutRuleCommand({ Name: "tick", ScheduleExpression: "rate(5 minutes)" }),
  );
  assert.equal(scheduled.RuleArn, "arn:aws:events:us-east-1:000000000000:rule/tick");
  await h.client.send(new PutRuleCommand({ Name: "nightly", ScheduleExpression: "cron(0 20 * * ? *)" }));
  assert.deepEqual(
    await awsError(h.client.send(new PutRuleCommand({ Name: "t", ScheduleExpression: "rate(5 minute)" }))),
    {
      name: "ValidationException",
      message: "Parameter ScheduleExpression is not valid.",
    },
  );
  await h.client.send(new CreateEventBusCommand({ Name: "no-schedules" }));
  assert.deepEqual(
    await awsError(
      h.client.send(
        new PutRuleCommand({ Name: "t", EventBusName: "no-schedules", ScheduleExpression: "rate(1 hour)" }),
      ),
    ),
    {
      name: "ValidationException",
      message: "ScheduleExpression is supported only on the default event bus.",
    },
  );
  const longName = "x".repeat(65);
  assert.deepEqual(
    await awsError(h.client.send(new PutRuleCommand({ Name: longName, EventPattern: PATTERN }))),
    {
      name: "ValidationException",
      message: `1 validation error detected: Value '${longName}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`,
    },
  );
  assert.deepEqual(
    await awsError(
      h.client.send(new PutRuleCommand({ Name: "r", EventBusName: "missing", EventPattern: PATTERN })),
    ),
    { name: "ResourceNotFoundException", message: "Event bus missing does not exist." },
  );
});
