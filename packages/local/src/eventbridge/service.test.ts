import assert from "node:assert/strict";
import { test } from "node:test";
import { PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { EventBridgeApiError } from "./errors.ts";
import { type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

async function post(h: Harness, target: string | undefined, body: string, method = "POST") {
  const res = await fetch(h.url, {
    method,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      ...(target === undefined ? {} : { "x-amz-target": target }),
    },
    ...(method === "GET" ? {} : { body }),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: (await res.json()) as { __type?: string; message?: string; Rules?: unknown[] },
  };
}

test("AWS JSON 1.1 errors for unknown operations and undecodable bodies", async () => {
  const h = await startHarness();
  try {
    const unknown = await post(h, "AWSEvents.CreateApiDestination", "{}");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.type, "application/x-amz-json-1.1");
    assert.equal(unknown.body.__type, "UnknownOperationException");
    assert.equal((await post(h, undefined, "{}")).body.__type, "UnknownOperationException");
    assert.equal((await post(h, "AWSEvents.ListRules", "", "GET")).body.__type, "UnknownOperationException");
    const garbled = await post(h, "AWSEvents.ListRules", "{not json");
    assert.deepEqual(garbled, {
      status: 400,
      type: "application/x-amz-json-1.1",
      body: { __type: "SerializationException", message: "the request body is not JSON" },
    });
    assert.equal((await post(h, "AWSEvents.PutRule", '{"Name": 5}')).body.__type, "SerializationException");
    const listed = await post(h, "AWSEvents.ListRules", "");
    assert.deepEqual(listed.body, { Rules: [] });
  } finally {
    await h.close();
  }
});

test("putEvents without HTTP: same validation and delivery; close() waits, then refuses", async () => {
  const h = await startHarness();
  try {
    await h.client.send(new PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({ source: ["app"] }) }));
    await h.client.send(
      new PutTargetsCommand({
        Rule: "r",
        Targets: [
          { Id: "q", Arn: QUEUE },
          { Id: "gone", Arn: "arn:aws:events:us-east-1:000000000000:event-bus/never-created" },
        ],
      }),
    );
    const entry = { Source: "app", DetailType: "t", Detail: "{}" };
    await assert.rejects(
      h.bridge.putEvents(Array.from({ length: 11 }, () => entry)),
      (err: unknown) => err instanceof EventBridgeApiError && err.awsCode === "ValidationException",
    );
    const answer = await h.bridge.putEvents([entry, { ...entry, Detail: "[]" }]);
    assert.equal(answer.FailedEntryCount, 1);
    await h.bridge.close();
    assert.equal(h.sqs.length, 1);
    const failures = h.bridge.deliveryFailures("arn:aws:events:us-east-1:000000000000:rule/r");
    assert.deepEqual(
      failures.map((f) => [f.targetId, f.reason]),
      [["gone", "Event bus never-created does not exist"]],
    );
    const refused = await post(h, "AWSEvents.ListRules", "{}");
    assert.deepEqual([refused.status, refused.body.__type], [503, "ServiceUnavailableException"]);
  } finally {
    await h.close();
  }
});
