// Translates every agent-platform mapping of junction.yaml and checks the AWS input field by field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { loadConfig, NoRouteError, type TargetRequest, translate } from "@junction/bridge";

const file = new URL("./junction.yaml", import.meta.url);
const { config, routes } = loadConfig(readFileSync(file, "utf8"), { env: {}, file: file.pathname });
const time = new Date("2026-11-23T12:00:00.000Z");
const headers = { "Nats-Msg-Id": "msg-1", "Junction-Correlation-Id": "corr-1" };

function one(subject: string, data: unknown): TargetRequest & { route: string } {
  const out = translate(routes, {
    subject,
    data: new TextEncoder().encode(JSON.stringify(data)),
    headers,
    time,
  });
  assert.equal(out.requests.length, 1);
  return { ...(out.requests[0] as TargetRequest), route: out.route };
}

describe("mistersmith example", () => {
  it("sends heartbeats to EventBridge as Agent Heartbeat with the agent id", () => {
    const r = one("agent.a-17.heartbeat", { cpu: 0.42 });
    assert.equal(r.route, "agent-heartbeat");
    assert.equal(r.service, "eventbridge");
    assert.equal(r.operation, "PutEvents");
    assert.equal(r.input.EventBusName, "mistersmith-event-bus");
    assert.equal(r.input.Source, "mistersmith.agent");
    assert.equal(r.input.DetailType, "Agent Heartbeat");
    assert.deepEqual(JSON.parse(r.input.Detail as string), {
      agentId: "a-17",
      type: "heartbeat",
      payload: { cpu: 0.42 },
    });
  });

  it("sends other agent events with a title-cased detail type", () => {
    const r = one("agent.a-17.started", { pid: 9 });
    assert.equal(r.route, "agent-events");
    assert.equal(r.input.DetailType, "Agent Started");
    assert.equal(r.input.Source, "mistersmith.agent");
    assert.deepEqual(JSON.parse(r.input.Detail as string), {
      agentId: "a-17",
      type: "started",
      payload: { pid: 9 },
    });
  });

  it("sends work to the FIFO queue of its domain and priority, grouped by domain", () => {
    const r = one("work.nlp.high.summarize", { text: "hello" });
    assert.equal(r.route, "work");
    assert.equal(r.service, "sqs");
    assert.equal(r.operation, "SendMessage");
    assert.equal(r.resource, "mistersmith-work-nlp-high.fifo");
    assert.equal(r.input.MessageBody, '{"text":"hello"}');
    assert.equal(r.input.MessageGroupId, "nlp");
    assert.equal(r.input.MessageDeduplicationId, "msg-1");
    assert.deepEqual(r.input.MessageAttributes, {
      TaskType: { DataType: "String", StringValue: "summarize" },
      Priority: { DataType: "String", StringValue: "high" },
    });
  });

  it("marks coordinations complete in DynamoDB", () => {
    const r = one("coord.c-9.complete", { ok: true });
    assert.equal(r.route, "coord-complete");
    assert.equal(r.service, "dynamodb");
    assert.equal(r.operation, "UpdateItem");
    assert.equal(r.input.TableName, "CoordinationState");
    assert.deepEqual(unmarshall(r.input.Key as never), { coordinationId: "c-9" });
    const names = r.input.ExpressionAttributeNames as Record<string, string>;
    const values = unmarshall(r.input.ExpressionAttributeValues as never);
    const assignments = Object.fromEntries(
      (r.input.UpdateExpression as string)
        .replace(/^SET /, "")
        .split(", ")
        .map((a) => a.split(" = ") as [string, string])
        .map(([n, v]) => [names[n], values[v]]),
    );
    assert.deepEqual(assignments, {
      status: "COMPLETE",
      completedAt: time.getTime() / 1000,
      result: { ok: true },
    });
  });

  it("sends broadcasts to EventBridge", () => {
    const r = one("broadcast.global.shutdown", { reason: "maintenance" });
    assert.equal(r.route, "broadcast");
    assert.equal(r.input.Source, "mistersmith.broadcast");
    assert.equal(r.input.DetailType, "Broadcast");
    assert.deepEqual(JSON.parse(r.input.Detail as string), {
      topic: "global.shutdown",
      message: { reason: "maintenance" },
    });
  });

  it("answers api requests with the Lambda function named after resource and action", () => {
    const r = one("api.agent.status", { agentId: "a-17" });
    assert.equal(r.route, "api");
    assert.equal(r.service, "lambda");
    assert.equal(r.operation, "Invoke");
    assert.equal(r.resource, "mistersmith-api-agent-status");
    assert.equal(r.input.InvocationType, "RequestResponse");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(r.input.Payload as Uint8Array)), {
      agentId: "a-17",
    });
    assert.ok(config.functions[r.resource], "the function is served by the embedded stack");
  });

  it("routes nothing else", () => {
    assert.throws(() => translate(routes, { subject: "agent.a-17.cmd.status" }), NoRouteError);
    assert.throws(() => translate(routes, { subject: "results.nlp" }), NoRouteError);
  });

  it("keeps every durable route inside the AGENTS stream", () => {
    for (const route of routes.routes.filter((r) => r.name !== "api")) assert.equal(route.stream, "AGENTS");
  });
});
