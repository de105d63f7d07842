// The pure half of AWS → NATS: what an SQS message or an EventBridge event becomes on NATS.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Message } from "@aws-sdk/client-sqs";
import { InboundSchema, type SubscriptionConfig, SubscriptionSchema } from "../config/inbound-schema.ts";
import { MappingError } from "../errors.ts";
import type { Mapped } from "./poller.ts";
import { queueMapper } from "./queue.ts";
import { eventPatternOf, subscriptionMapper } from "./subscription.ts";

const text = (data: Uint8Array) => new TextDecoder().decode(data);
const published = (m: Mapped) => {
  assert.equal(m.kind, "publish", m.kind === "drop" ? m.reason : "");
  return (m as Extract<Mapped, { kind: "publish" }>).publication;
};
const subscription = (fields: object): SubscriptionConfig =>
  SubscriptionSchema.parse({ name: "s", ...fields });

describe("inbound queue mapper", () => {
  const map = queueMapper(
    InboundSchema.parse({
      name: "r",
      from: { type: "sqs", queue: "q" },
      to: "results.{$attr.Domain}.{$json.kind}",
    }),
    "q",
  );

  it("names the subject from attributes and body; the SQS message id is the NATS message id", () => {
    const p = published(
      map({
        MessageId: "m-1",
        Body: '{"kind":"summary","n":1}',
        MessageAttributes: { Domain: { DataType: "String", StringValue: "nlp" } },
      }),
    );
    assert.equal(p.subject, "results.nlp.summary");
    assert.equal(text(p.data), '{"kind":"summary","n":1}');
    assert.deepEqual(p.identity, { id: "m-1", correlationId: "m-1" });
    assert.equal(p.headers.Domain, "nlp");
    assert.equal(p.headers["Junction-Origin"], "sqs:q");
  });

  it("continues a flow and a trace carried in attributes, or in SQS's AWSTraceHeader", () => {
    const p = published(
      map({
        MessageId: "m-2",
        Body: '{"kind":"k"}',
        MessageAttributes: {
          Domain: { DataType: "String", StringValue: "d" },
          "Junction-Correlation-Id": { DataType: "String", StringValue: "corr-9" },
          "junction-causation-id": { DataType: "String", StringValue: "cause-8" },
        },
        Attributes: {
          AWSTraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        },
      }),
    );
    assert.deepEqual(p.identity, { id: "m-2", correlationId: "corr-9", causationId: "cause-8" });
    assert.equal(p.headers.traceparent, "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01");
    assert.equal(p.headers["Junction-Correlation-Id"], undefined, "identity travels as identity, not twice");
  });

  it("refuses, with a MappingError naming the cause, what cannot become a subject", () => {
    const bad: Message[] = [
      { MessageId: "a", Body: '{"kind":"k"}' },
      {
        MessageId: "b",
        Body: "not json",
        MessageAttributes: { Domain: { DataType: "String", StringValue: "d" } },
      },
      {
        MessageId: "c",
        Body: '{"kind":"a b"}',
        MessageAttributes: { Domain: { DataType: "String", StringValue: "d" } },
      },
    ];
    const reasons = bad.map((m) => {
      try {
        map(m);
        return "mapped";
      } catch (err) {
        assert.ok(err instanceof MappingError);
        return err.message;
      }
    });
    assert.match(reasons[0] as string, /attribute "Domain" is missing/);
    assert.match(reasons[1] as string, /not JSON/);
    assert.match(reasons[2] as string, /invalid subject/);
  });
});

describe("subscription event pattern", () => {
  it("takes sources and detail types, and requires the fields the captures come from", () => {
    assert.deepEqual(
      eventPatternOf(
        subscription({
          bus: "b",
          source: "mistersmith.agent",
          detailType: ["Agent *", "Heartbeat"],
          subject: "agent.{agentId}.{action}",
          captures: { action: "detail.type" },
        }),
      ),
      {
        source: ["mistersmith.agent"],
        "detail-type": [{ wildcard: "Agent *" }, "Heartbeat"],
        detail: { agentId: [{ exists: true }], type: [{ exists: true }] },
      },
    );
  });

  it("filters on detail.subject where the subject has bare wildcards, and merges an extra pattern", () => {
    assert.deepEqual(
      eventPatternOf(
        subscription({ subject: "orders.*.>", pattern: { detail: { region: ["eu"] }, account: ["1"] } }),
      ),
      { detail: { subject: [{ wildcard: "orders.*.*" }], region: ["eu"] }, account: ["1"] },
    );
  });
});

describe("subscription mapper", () => {
  const event = (fields: object) => ({
    MessageId: "sqs-1",
    Body: JSON.stringify({
      id: "evt-1",
      source: "mistersmith.agent",
      "detail-type": "Agent Started",
      resources: [],
      ...fields,
    }),
  });

  it("builds the subject from the event's fields; the payload is the chosen path; the event id is the message id", () => {
    const map = subscriptionMapper(
      subscription({
        bus: "b",
        subject: "agent.{agentId}.{action}",
        captures: { action: "detail.type" },
        data: "detail.payload",
      }),
    );
    const p = published(map(event({ detail: { agentId: "a1", type: "started", payload: { pid: 7 } } })));
    assert.equal(p.subject, "agent.a1.started");
    assert.deepEqual(JSON.parse(text(p.data)), { pid: 7 });
    assert.equal(p.identity.id, "evt-1");
    assert.equal(p.headers["Junction-Origin"], "eventbridge:b");
  });

  it("takes detail.subject under a wildcard subject, checked with NATS rules (EventBridge's * spans dots)", () => {
    const map = subscriptionMapper(subscription({ subject: "orders.*.created", data: "$event" }));
    const ok = published(map(event({ detail: { subject: "orders.eu.created" } })));
    assert.equal(ok.subject, "orders.eu.created");
    assert.equal(JSON.parse(text(ok.data)).id, "evt-1");
    const other = map(event({ detail: { subject: "orders.eu.west.created" } }));
    assert.equal(other.kind, "drop");
  });

  it("drops the events the bridge itself put on a bus from NATS (no loop)", () => {
    const map = subscriptionMapper(subscription({ subject: "agent.{agentId}.started" }));
    const m = map(event({ resources: ["junction:nats:agent.a1.started"], detail: { agentId: "a1" } }));
    assert.equal(m.kind, "drop");
  });

  it("refuses an event that has no field for a capture, or whose field is no single token", () => {
    const map = subscriptionMapper(subscription({ subject: "agent.{agentId}.started" }));
    assert.throws(
      () => map(event({ detail: {} })),
      (err: unknown) => err instanceof MappingError && /detail\.agentId/.test(err.message),
    );
    assert.throws(() => map(event({ detail: { agentId: "a.b" } })), MappingError);
    // Look-alikes of a dot and invisible characters are no token either.
    for (const agentId of ["a\uff0e", "a\u200b", "a\u3002b"]) {
      assert.throws(
        () => map(event({ detail: { agentId } })),
        (err: unknown) =>
          err instanceof MappingError && /detail\.agentId cannot be a subject token/.test(err.message),
      );
    }
    assert.throws(() => map({ MessageId: "x", Body: "nope" }), MappingError);
  });
});
