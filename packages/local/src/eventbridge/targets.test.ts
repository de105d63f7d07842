import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateEventBusCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { awsError, FIFO_QUEUE, FUNCTION, type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness();
  await h.client.send(new PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({ source: ["shop"] }) }));
});
after(() => h.close());

const put = (targets: Target[], rule = "r") =>
  h.client.send(new PutTargetsCommand({ Rule: rule, Targets: targets }));
const listed = async (rule = "r") =>
  (await h.client.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets;

test("PutTargets stores SQS (FIFO too), Lambda and bus targets as given; ListTargetsByRule returns them", async () => {
  await h.client.send(new CreateEventBusCommand({ Name: "downstream" }));
  const targets: Target[] = [
    { Id: "queue", Arn: QUEUE, InputPath: "$.detail" },
    { Id: "fifo", Arn: FIFO_QUEUE, SqsParameters: { MessageGroupId: "orders" } },
    {
      Id: "fn",
      Arn: FUNCTION,
      InputTransformer: { InputPathsMap: { id: "$.detail.id" }, InputTemplate: '{"order": <id>}' },
    },
    { Id: "bus", Arn: "arn:aws:events:us-east-1:000000000000:event-bus/downstream" },
  ];
  const answer = await put(targets);
  assert.equal(answer.FailedEntryCount, 0);
  assert.deepEqual(answer.FailedEntries, []);
  assert.deepEqual(await listed(), targets);

  // Same Id again replaces that target.
  await put([{ Id: "queue", Arn: QUEUE, Input: '{"constant":true}' }]);
  assert.deepEqual((await listed())?.[0], { Id: "queue", Arn: QUEUE, Input: '{"constant":true}' });

  await h.client.send(new RemoveTargetsCommand({ Rule: "r", Ids: ["fifo", "bus", "not-there"] }));
  assert.deepEqual(
    (await listed())?.map((t) => t.Id),
    ["queue", "fn"],
  );
});

test("at most five targets per rule (LimitExceededException)", async () => {
  await h.client.send(
    new PutRuleCommand({ Name: "many", EventPattern: JSON.stringify({ source: ["shop"] }) }),
  );
  const five = [1, 2, 3, 4, 5].map((n) => ({ Id: `t${n}`, Arn: QUEUE }));
  await put(five, "many");
  assert.deepEqual(await awsError(put([{ Id: "t6", Arn: QUEUE }], "many")), {
    name: "LimitExceededException",
    message: "The requested resource exceeds the maximum number allowed.",
  });
  assert.equal((await listed("many"))?.length, 5);
});

test("target validation follows AWS: FIFO group, one input kind, placeholders, ARNs, rule", async () => {
  assert.deepEqual(await awsError(put([{ Id: "f", Arn: FIFO_QUEUE }])), {
    name: "ValidationException",
    message: "Parameter(s) SqsParameters must be specified for target: f.",
  });
  assert.deepEqual(await awsError(put([{ Id: "two", Arn: QUEUE, Input: "{}", InputPath: "$.detail" }])), {
    name: "ValidationException",
    message: "Only one of Input, InputPath, or InputTransformer must be provided for target two.",
  });
  assert.deepEqual(
    await awsError(
      put([
        {
          Id: "tpl",
          Arn: QUEUE,
          InputTransformer: {
            InputPathsMap: { "detail-type": "$.detail-type" },
            InputTemplate: '"Event of <detail-type> type, with not defined key <notdefinedkey>"',
          },
        },
      ]),
    ),
    {
      name: "ValidationException",
      message: "InputTemplate for target tpl contains invalid placeholder notdefinedkey.",
    },
  );
  assert.deepEqual(await awsError(put([{ Id: "arn", Arn: "not-an-arn" }])), {
    name: "ValidationException",
    message: "Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.",
  });
  const sns = await awsError(put([{ Id: "sns", Arn: "arn:aws:sns:us-east-1:000000000000:topic" }]));
  assert.equal(sns.name, "ValidationException");
  assert.match(sns.message, /delivers to SQS queues, Lambda functions and event buses, not to sns/);
  assert.deepEqual(await awsError(put([{ Id: "bad id!", Arn: QUEUE }])), {
    name: "ValidationException",
    message:
      "1 validation error detected: Value 'bad id!' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
  });
  assert.deepEqual(await awsError(put([{ Id: "x", Arn: QUEUE }], "missing")), {
    name: "ResourceNotFoundException",
    message: "Rule missing does not exist on EventBus default.",
  });
  // A rejected request changes nothing.
  assert.deepEqual(
    (await listed())?.map((t) => t.Id),
    ["queue", "fn"],
  );
});
