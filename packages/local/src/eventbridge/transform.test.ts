// Target input: the examples of the AWS user guide page "Transforming Amazon EventBridge target
// input" (eb-transform-target-input, "Input transform examples": the EC2 event and input paths below,
// outputs minified as "the JSON that is passed to the target is minified"), the API reference of
// InputTransformer, and LocalStack's AWS-recorded snapshots (test_events_inputs.snapshot.json) for
// what the pages leave open.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { Constraints, type JsonObject } from "./constraints.ts";
import type { EventEnvelope } from "./model.ts";
import { type Harness, QUEUE, startHarness } from "./testdata/harness.ts";
import { compileTargetInput, renderTargetInput } from "./transform.ts";

const EC2: EventEnvelope = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};
const PATHS = {
  timestamp: "$.time",
  instance: "$.detail.instance-id",
  state: "$.detail.state",
  resource: "$.resources[0]",
};

function render(target: JsonObject): string {
  const input = compileTargetInput(target, "t", "targets.1.member", new Constraints());
  const out = renderTargetInput(input, {
    event: EC2,
    ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
    ruleName: "example",
    ingestionTime: "2015-11-11T21:29:55Z",
  });
  return "body" in out ? out.body : `error: ${out.error}`;
}
const transform = (InputTemplate: string, InputPathsMap: JsonObject = PATHS) =>
  render({ InputTransformer: { InputPathsMap, InputTemplate } });

test("user guide examples: strings, escaped quotes, JSON, mixed JSON", () => {
  assert.equal(transform('"instance <instance> is in <state>"'), '"instance i-0123456789 is in RUNNING"');
  assert.equal(
    transform('"instance \\"<instance>\\" is in <state>"'),
    '"instance \\"i-0123456789\\" is in RUNNING"',
  );
  assert.equal(
    transform('{\n  "instance" : <instance>,\n  "state": <state>\n}'),
    '{"instance":"i-0123456789","state":"RUNNING"}',
  );
  assert.equal(
    transform(
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
    ),
    '{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \\"i-0123456789\\" is in RUNNING"}',
  );
  assert.equal(
    transform('{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}'),
    '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}',
  );
  assert.equal(transform('"<resource> at <timestamp>"'), `"${EC2.resources[0]} at 2015-11-11T21:29:54Z"`);
});

test("user guide examples: reserved variables in JSON and in a string", () => {
  const out = JSON.parse(
    transform(
      '{"instance" : <instance>, "state": <state>, "ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}',
    ),
  );
  assert.equal(out.ruleArn, "arn:aws:events:us-east-2:123456789012:rule/example");
  assert.equal(out.ruleName, "example");
  // aws.events.event: the event without detail, detail-type as detailType (AWS-recorded snapshot).
  assert.deepEqual(out.originalEvent, {
    id: EC2.id,
    account: EC2.account,
    detailType: EC2["detail-type"],
    time: EC2.time,
    source: EC2.source,
    region: EC2.region,
    resources: EC2.resources,
    version: "0",
  });
  assert.equal(transform('"<aws.events.rule-name> triggered"'), '"example triggered"');
  assert.deepEqual(
    JSON.parse(transform('{"e": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}')),
    {
      e: EC2,
      at: "2015-11-11T21:29:55Z",
    },
  );
});

test("API reference examples: quoted placeholders inside strings, and a template that is not JSON", () => {
  const paths = { instance: "$.detail.instance-id", status: "$.detail.state" };
  assert.equal(
    transform('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}', paths),
    '{"myInstance":"i-0123456789","myStatus":"i-0123456789 is in state \\"RUNNING\\""}',
  );
  assert.equal(transform("<instance> is in state <status>", paths), "i-0123456789 is in state RUNNING");
});

test("objects inside strings lose their quotes; missing paths leave nothing (or an empty string value)", () => {
  assert.equal(
    transform('"Detail <detail>"', { detail: "$.detail" }),
    '"Detail {instance-id:i-0123456789,state:RUNNING}"',
  );
  assert.equal(
    transform('{"detail": <detail>}', { detail: "$.detail" }),
    `{"detail":${JSON.stringify(EC2.detail)}}`,
  );
  // LocalStack AWS-recorded: "…info extracted from detail " and {"command": ""}.
  assert.equal(transform('"state <missing>"', { missing: "$.detail.notinmessage" }), '"state "');
  assert.equal(transform('{"command": <missing>}', { missing: "$.detail.notinmessage" }), '{"command":""}');
});

test("InputPath and Input", () => {
  assert.equal(render({ InputPath: "$.detail" }), JSON.stringify(EC2.detail));
  // A string selected by InputPath arrives as a JSON string (AWS-recorded: "\"baz\"").
  assert.equal(render({ InputPath: "$.detail.state" }), '"RUNNING"');
  assert.equal(render({ InputPath: "$.resources[*]" }), JSON.stringify(EC2.resources));
  assert.equal(
    render({ InputPath: "$.detail.nope" }),
    `error: InputPath $.detail.nope selects nothing in event ${EC2.id}`,
  );
  assert.equal(render({ Input: '{"fixed": 1}' }), '{"fixed": 1}');
  assert.equal(render({}), JSON.stringify(EC2));
});

let h: Harness;
before(async () => {
  h = await startHarness({ now: () => new Date("2026-05-06T07:08:09Z"), newId: () => "evt-1" });
});
after(() => h.close());

test("end to end: each target's input shapes what its queue receives", async () => {
  await h.client.send(
    new PutRuleCommand({ Name: "shaped", EventPattern: JSON.stringify({ source: ["shop"] }) }),
  );
  await h.client.send(
    new PutTargetsCommand({
      Rule: "shaped",
      Targets: [
        { Id: "whole", Arn: `${QUEUE}-whole` },
        { Id: "const", Arn: `${QUEUE}-const`, Input: '{"kind":"constant"}' },
        { Id: "path", Arn: `${QUEUE}-path`, InputPath: "$.detail.order" },
        {
          Id: "tpl",
          Arn: `${QUEUE}-tpl`,
          InputTransformer: {
            InputPathsMap: { id: "$.detail.order.id", total: "$.detail.order.total" },
            InputTemplate:
              '{"order": <id>, "total": <total>, "rule": <aws.events.rule-arn>, "note": "order <id>"}',
          },
        },
      ],
    }),
  );
  const detail = { order: { id: "o-7", total: 12.5 } };
  await h.client.send(
    new PutEventsCommand({
      Entries: [{ Source: "shop", DetailType: "Order", Detail: JSON.stringify(detail) }],
    }),
  );
  await h.bridge.settled();
  const body = (suffix: string) => h.sqs.find((c) => c.queueArn === `${QUEUE}-${suffix}`)?.body;
  assert.deepEqual(JSON.parse(body("whole") ?? ""), {
    version: "0",
    id: "evt-1",
    "detail-type": "Order",
    source: "shop",
    account: "000000000000",
    time: "2026-05-06T07:08:09Z",
    region: "us-east-1",
    resources: [],
    detail,
  });
  assert.equal(body("const"), '{"kind":"constant"}');
  assert.equal(body("path"), '{"id":"o-7","total":12.5}');
  assert.equal(
    body("tpl"),
    '{"order":"o-7","total":12.5,"rule":"arn:aws:events:us-east-1:000000000000:rule/shaped","note":"order o-7"}',
  );
});
