import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { InvalidSubjectError } from "@junction/sdk";
import { loadConfig } from "./config/load.ts";
import { MappingError } from "./errors.ts";
import { NoRouteError, translate } from "./translate.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const time = new Date("2026-01-02T03:04:05.000Z");

function routesOf(routes: string) {
  return loadConfig(`streams: [{ name: S, subjects: ["t.>"] }]\nroutes:\n${routes}`, { env: {} }).routes;
}

describe("translate", () => {
  it("maps to an EventBridge PutEvents entry with Detail as a JSON string", () => {
    const routes = routesOf(`
  - name: eb
    from: { subject: "t.{id}.{action}", stream: S }
    to: [{ type: eventbridge, bus: "b-{id}", source: src, detailType: "Thing {action|title}", resources: ["arn:x:{id}"] }]
`);
    const out = translate(routes, { subject: "t.7.moved", data: json({ x: 1 }), time });
    const [request] = out.requests;
    assert.equal(out.route, "eb");
    assert.deepEqual(out.captures, { id: "7", action: "moved" });
    assert.deepEqual(request, {
      service: "eventbridge",
      operation: "PutEvents",
      resource: "b-7",
      input: {
        EventBusName: "b-7",
        Source: "src",
        DetailType: "Thing Moved",
        Detail: '{"x":1}',
        Time: time,
        // The configured resources, then the subject it came from (what subscriptions recognise).
        Resources: ["arn:x:7", "junction:nats:t.7.moved"],
      },
    });
  });

  it("carries the message's trace context to EventBridge as an X-Ray TraceHeader", () => {
    const routes = routesOf(`
  - name: eb
    from: { subject: "t.>", stream: S }
    to: [{ type: eventbridge, source: s, detailType: d }]
`);
    const out = translate(routes, {
      subject: "t.a",
      data: json({}),
      headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
    });
    assert.equal(
      out.requests[0]?.input.TraceHeader,
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1",
    );
  });

  it("refuses EventBridge entries over 256 KB and details that are not objects", () => {
    const routes = routesOf(`
  - name: eb
    from: { subject: "t.>", stream: S }
    to: [{ type: eventbridge, source: src, detailType: d }]
`);
    const big = json({ blob: "x".repeat(256 * 1024) });
    assert.throws(
      () => translate(routes, { subject: "t.a", data: big }),
      (e: unknown) => e instanceof MappingError && /over the 262144-byte PutEvents limit/.test(e.message),
    );
    assert.throws(
      () => translate(routes, { subject: "t.a", data: json([1, 2]) }),
      /detail must be a JSON object/,
    );
  });

  it("maps to SQS SendMessage: FIFO group and dedup ids (default: message id), typed attributes", () => {
    const routes = routesOf(`
  - name: q
    from: { subject: "t.{domain}.{kind}", stream: S }
    to:
      - type: sqs
        queue: "work-{domain}.fifo"
        groupId: "{domain}"
        attributes: { Kind: "{kind}", Size: { type: Number, value: "{$json.size}" } }
`);
    const out = translate(routes, {
      subject: "t.nlp.sum",
      data: json({ size: 3 }),
      headers: { "nats-msg-id": "abc" },
    });
    assert.deepEqual(out.requests[0], {
      service: "sqs",
      operation: "SendMessage",
      resource: "work-nlp.fifo",
      input: {
        MessageBody: '{"size":3}',
        MessageGroupId: "nlp",
        MessageDeduplicationId: "abc",
        MessageAttributes: {
          Kind: { DataType: "String", StringValue: "sum" },
          Size: { DataType: "Number", StringValue: "3" },
        },
      },
    });
    assert.throws(
      () => translate(routes, { subject: "t.nlp.sum", data: json({ size: "big" }) }),
      /attribute "Size" is not a number/,
    );
  });

  it("passes a queue URL through as QueueUrl and names the queue as the resource", () => {
    const routes = routesOf(`
  - name: q
    from: { subject: "t.>", stream: S }
    to: [{ type: sqs, queue: "http://127.0.0.1:4566/000000000000/plain", body: "{$subject}", delaySeconds: 5 }]
`);
    const [request] = translate(routes, { subject: "t.x" }).requests;
    assert.equal(request?.resource, "plain");
    assert.deepEqual(request?.input, {
      QueueUrl: "http://127.0.0.1:4566/000000000000/plain",
      MessageBody: "t.x",
      DelaySeconds: 5,
    });
  });

  it("maps to DynamoDB UpdateItem with a generated expression, names and marshalled values", () => {
    const routes = routesOf(`
  - name: d
    from: { subject: "t.{id}.done", stream: S }
    to:
      - type: dynamodb
        table: T
        key: { pk: "{id}" }
        set: { status: DONE, at: "{$unix|number}", result: "{$json}" }
        add: { count: 1 }
        remove: [pending]
        condition: { expression: "attribute_exists(pk) AND #s <> :done", names: { "#s": status }, values: { ":done": DONE } }
`);
    const out = translate(routes, { subject: "t.9.done", data: json({ ok: true }), time });
    const input = out.requests[0]?.input as Record<string, unknown>;
    assert.equal(out.requests[0]?.operation, "UpdateItem");
    assert.equal(input.TableName, "T");
    assert.deepEqual(input.Key, { pk: { S: "9" } });
    assert.equal(
      input.UpdateExpression,
      "SET #jn0 = :jv0, #jn1 = :jv1, #jn2 = :jv2 ADD #jn3 :jv3 REMOVE #jn4",
    );
    assert.deepEqual(input.ExpressionAttributeNames, {
      "#jn0": "status",
      "#jn1": "at",
      "#jn2": "result",
      "#jn3": "count",
      "#jn4": "pending",
      "#s": "status",
    });
    assert.deepEqual(unmarshall(input.ExpressionAttributeValues as never), {
      ":jv0": "DONE",
      ":jv1": time.getTime() / 1000,
      ":jv2": { ok: true },
      ":jv3": 1,
      ":done": "DONE",
    });
    assert.equal(input.ConditionExpression, "attribute_exists(pk) AND #s <> :done");
  });

  it("maps to DynamoDB PutItem with the key merged into the item", () => {
    const routes = routesOf(`
  - name: d
    from: { subject: "t.{id}", stream: S }
    to: [{ type: dynamodb, table: T, key: { pk: "{id}", sk: "{$seq|number}" }, item: { body: "{$json}" }, condition: "attribute_not_exists(pk)" }]
`);
    const out = translate(routes, { subject: "t.k", data: json({ a: [1] }), seq: 12 });
    assert.deepEqual(out.requests[0], {
      service: "dynamodb",
      operation: "PutItem",
      resource: "T",
      input: {
        TableName: "T",
        Item: { body: { M: { a: { L: [{ N: "1" }] } } }, pk: { S: "k" }, sk: { N: "12" } },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });
    assert.throws(
      () =>
        translate(routes, { subject: "t.k", data: json({}), seq: 1, headers: {} }) &&
        translate(
          routesOf(`
  - name: d
    from: { subject: "t.>", stream: S }
    to: [{ type: dynamodb, table: T, key: { pk: "{$json.id}" }, item: {} }]
`),
          { subject: "t.k", data: json({ id: "" }) },
        ),
      /key attribute "pk" must be a non-empty string or a number/,
    );
  });

  it("maps `to` Lambda to an Event invocation and `reply` to RequestResponse with the identity", () => {
    const routes = loadConfig(
      `
routes:
  - name: api
    from: { subject: "api.{resource}.{action}" }
    reply: { type: lambda, function: "fn-{resource}-{action}", payload: { body: "{$json}", action: "{action}" } }
    to: [{ type: lambda, function: audit }]
`,
      { env: {} },
    ).routes;
    const out = translate(routes, {
      subject: "api.agent.status",
      data: json({ agentId: "a1" }),
      headers: { "Nats-Msg-Id": "m1", "Junction-Correlation-Id": "c1", "Junction-Causation-Id": "p1" },
    });
    const [audit, reply] = out.requests;
    assert.equal(audit?.input.InvocationType, "Event");
    assert.equal(audit?.input.ClientContext, undefined);
    assert.equal(new TextDecoder().decode(audit?.input.Payload as Uint8Array), '{"agentId":"a1"}');
    assert.equal(reply?.resource, "fn-agent-status");
    assert.equal(reply?.input.InvocationType, "RequestResponse");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(reply?.input.Payload as Uint8Array)), {
      body: { agentId: "a1" },
      action: "status",
    });
    assert.deepEqual(JSON.parse(Buffer.from(reply?.input.ClientContext as string, "base64").toString()), {
      custom: { subject: "api.agent.status", messageId: "m1", correlationId: "c1", causationId: "p1" },
    });
  });

  it("treats a message without identity headers as a root: correlation id = its own id", () => {
    const routes = routesOf(`
  - name: eb
    from: { subject: "t.>", stream: S }
    to: [{ type: eventbridge, source: s, detailType: d, detail: { id: "{$id}", corr: "{$correlationId}", cause: "{$causationId}" } }]
`);
    const detail = JSON.parse(translate(routes, { subject: "t.x" }).requests[0]?.input.Detail as string);
    assert.ok(detail.id.length > 0);
    assert.equal(detail.corr, detail.id);
    assert.equal(detail.cause, "");
  });

  it("throws typed errors for invalid subjects and subjects no route matches", () => {
    const routes = routesOf(`
  - name: eb
    from: { subject: "t.{x}", stream: S }
    to: [{ type: eventbridge, source: s, detailType: d }]
`);
    assert.throws(() => translate(routes, { subject: "t..x" }), InvalidSubjectError);
    assert.throws(() => translate(routes, { subject: "t.*" }), InvalidSubjectError);
    assert.throws(() => translate(routes, { subject: "u.x" }), NoRouteError);
  });
});
