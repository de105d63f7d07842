import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { headers } from "@nats-io/nats-core";
import { context, propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Registry } from "prom-client";
import { connect, type JunctionClient } from "../connect/client.ts";
import { NoRespondersError } from "../errors/index.ts";
import { createTelemetry, renderMetrics } from "./index.ts";

describe("telemetry: OpenTelemetry spans and Prometheus metrics", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const registry = new Registry();
  const telemetry = createTelemetry({ tracer: provider.getTracer("test"), meterRegistry: registry });
  let nats: TestNats;
  let server: JunctionClient;
  let client: JunctionClient;
  const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);

  before(async () => {
    // Without a registered propagator and context manager, @opentelemetry/api injects nothing.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    nats = await startTestNats({ jetstream: false });
    server = await connect({ servers: nats.url, telemetry });
    client = await connect({ servers: nats.url, telemetry });
    await server.serveStream<unknown, string>("ai.{model}.gen", ({ writer }) => {
      // Inside the handler the process span is active: what it sends joins the same trace.
      server.publish("audit.generated", { ok: true });
      writer.write("a");
      writer.write("b");
    });
  });
  after(async () => {
    await client?.drain();
    await server?.drain();
    await nats?.dispose();
    propagation.disable();
    context.disable();
  });

  it("carries the trace across request and serve: process span is a child of (and linked to) the send span", async () => {
    const stream = client.requestStream<string>("ai.small.gen", { prompt: "hi" });
    const chunks: string[] = [];
    for await (const c of stream) chunks.push(c);
    assert.deepEqual(chunks, ["a", "b"]);
    // The responder ends its span just after sending the terminator.
    await waitFor("the process span", async () => spans("process ai.{model}.gen").length === 1 || "not yet", {
      timeoutMs: 2000,
      intervalMs: 5,
    });

    const [send] = spans("send ai.small.gen");
    const [process] = spans("process ai.{model}.gen");
    const [audit] = spans("publish audit.generated");
    assert.ok(
      send && process && audit,
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .join(", "),
    );
    assert.equal(send.kind, SpanKind.CLIENT);
    assert.equal(process.kind, SpanKind.CONSUMER);
    assert.equal(audit.kind, SpanKind.PRODUCER);
    assert.equal(process.spanContext().traceId, send.spanContext().traceId);
    assert.equal(process.parentSpanContext?.spanId, send.spanContext().spanId);
    assert.equal(process.links[0]?.context.spanId, send.spanContext().spanId);
    assert.equal(audit.parentSpanContext?.spanId, process.spanContext().spanId);

    assert.deepEqual(send.attributes, {
      "messaging.system": "nats",
      "messaging.destination.name": "ai.small.gen",
      "messaging.message.id": stream.identity.id,
      "messaging.message.conversation_id": stream.identity.correlationId,
      "messaging.operation.type": "send",
      "messaging.operation.name": "stream",
    });
    assert.equal(process.attributes["messaging.destination.template"], "ai.{model}.gen");
    assert.equal(process.attributes["messaging.destination.name"], "ai.small.gen");
    assert.equal(process.attributes["messaging.consumer.group.name"], "junction");
    assert.equal(process.attributes["messaging.operation.type"], "process");
    assert.equal(process.attributes["messaging.message.id"], stream.identity.id);
    assert.equal(process.attributes["messaging.message.conversation_id"], stream.identity.correlationId);
  });

  it("extracts a peer's context whatever the header's case (Traceparent)", () => {
    const h = headers();
    h.set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    const observation = telemetry.startProcess({
      operation: "serve",
      destination: "peer.>",
      subject: "peer.x",
      identity: { id: "m-1", correlationId: "c-1" },
      headers: h,
    });
    observation.end();
    const [span] = spans("process peer.>");
    assert.equal(span?.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(span?.parentSpanContext?.spanId, "b7ad6b7169203331");
  });

  it("marks a failed send with error.type = the error's code", async () => {
    await assert.rejects(async () => {
      for await (const _ of client.requestStream("nobody.here")) assert.fail("no chunk expected");
    }, NoRespondersError);
    // The metrics test below counts this failure too.
    const [span] = spans("send nobody.here");
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.attributes["error.type"], "ERR_NO_RESPONDERS");
  });

  it("exposes the junction_* series with bounded labels on the given registry", async () => {
    telemetry.breakerState("api.agent.status", "open");
    telemetry.redelivered("AGENTS", "work");
    // A second telemetry on the same registry shares the series instead of failing to register.
    createTelemetry({ meterRegistry: registry }).breakerState("api.other", "half-open");

    const { contentType, body } = await renderMetrics(registry);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    for (const line of [
      'junction_messages_sent_total{operation="stream"} 2',
      'junction_messages_sent_total{operation="publish"} 1',
      'junction_requests_total{operation="stream",outcome="ok"} 1',
      'junction_requests_total{operation="stream",outcome="ERR_NO_RESPONDERS"} 1',
      'junction_errors_total{code="ERR_NO_RESPONDERS"} 1',
      'junction_request_duration_seconds_count{operation="stream",outcome="ok"} 1',
      'junction_process_duration_seconds_count{operation="stream",destination="ai.{model}.gen",outcome="ok"} 1',
      'junction_in_flight{operation="stream",direction="send"} 0',
      'junction_in_flight{operation="stream",direction="process"} 0',
      'junction_breaker_state{subject="api.agent.status"} 2',
      'junction_breaker_state{subject="api.other"} 1',
      'junction_redeliveries_total{stream="AGENTS",consumer="work"} 1',
    ]) {
      assert.ok(body.includes(line), `missing ${line}`);
    }
    // Sends are never labelled by subject: subjects carry ids.
    assert.doesNotMatch(body, /ai\.small\.gen/);
  });
});
