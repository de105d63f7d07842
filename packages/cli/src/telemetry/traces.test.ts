// One trace from HTTP to AWS and back: a real `junction up` exporting to an in-process OTLP/HTTP
// receiver; an HTTP request's trace holds the gateway, NATS, bridge and SQS spans, and the inbound
// side that reads the SQS message continues it into JetStream.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { connect } from "@junction/sdk";
import { type JunctionUp, startJunctionUp, waitFor } from "@junction/testkit";

interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly service: string;
}

/** An OTLP/HTTP receiver (JSON encoding, as the SDK's exporter sends it): every span it was sent. */
async function startReceiver(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      assert.equal(req.url, "/v1/traces");
      assert.match(String(req.headers["content-type"]), /application\/json/);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === "service.name")?.value
          ?.stringValue;
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind,
              service,
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

type Endpoints = { nats: string; gateway: string };

describe("traces end to end", () => {
  let up: JunctionUp<Endpoints>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpoints: Endpoints;

  before(async () => {
    receiver = await startReceiver();
    up = await startJunctionUp<Endpoints>(
      `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
telemetry: { endpoint: "${receiver.url}", serviceName: junction-test, sampling: 1 }
streams:
  - { name: ORDERS, subjects: ["orders.>", "results.>"], maxAge: 1h }
routes:
  - name: orders
    from: { subject: "orders.{id}.placed", stream: ORDERS }
    to: [{ type: sqs, queue: orders-out, createQueue: true }]
inbound:
  - { name: results, from: { type: sqs, queue: orders-out }, to: results.placed }
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: "/v1/orders/:id", publish: "orders.{id}.placed" }
`,
    );
    endpoints = up.endpoints;
  });
  after(async () => {
    await up?.stop();
    receiver.server.close();
  });

  it("joins gateway, NATS, bridge, SQS and the inbound side into the caller's trace", async () => {
    const traceId = randomBytes(16).toString("hex");
    const callerSpan = randomBytes(8).toString("hex");
    const client = await connect(endpoints.nats);
    try {
      const res = await fetch(`${endpoints.gateway}/v1/orders/42`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: `00-${traceId}-${callerSpan}-01` },
        body: JSON.stringify({ total: 7 }),
      });
      assert.equal(res.status, 202);

      // Every span of the request, until the inbound side's JetStream publish has been exported.
      const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      await waitFor(
        "the inbound side's publish span",
        async () =>
          inTrace().some((s) => s.name === "publish results.placed") ||
          `spans so far: ${inTrace()
            .map((s) => s.name)
            .join(", ")}`,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const spans = inTrace();
      const byName = (name: string) => {
        const span = spans.find((s) => s.name === name);
        assert.ok(span, `no span "${name}" in ${spans.map((s) => s.name).join(", ")}`);
        return span;
      };
      // Each hop is the child of the one before: HTTP → NATS → bridge consume → target send → AWS call
      // → SQS receive (inbound) → JetStream publish.
      const chain = [
        byName("POST /v1/orders/:id"),
        byName("publish orders.42.placed"),
        byName("process orders"),
        byName("send sqs#0"),
        byName("SQS.SendMessageBatch"),
        byName("receive orders-out"),
        byName("publish results.placed"),
      ];
      assert.equal(chain[0]?.parentSpanId, callerSpan);
      for (let i = 1; i < chain.length; i++) {
        const [parent, child] = [chain[i - 1], chain[i]];
        if (child?.name === "receive orders-out") {
          // SQS carries the send span's context in the message's traceparent attribute.
          assert.equal(child.parentSpanId, chain[3]?.spanId, "receive continues the send span");
        } else {
          assert.equal(child?.parentSpanId, parent?.spanId, `${child?.name} is a child of ${parent?.name}`);
        }
      }
      for (const s of chain) assert.equal(s.service, "junction-test");

      // The message the inbound side stored carries the trace on into NATS.
      const jsm = await client.jetstream().manager();
      const stored = await jsm.streams.getMessage("ORDERS", { last_by_subj: "results.placed" });
      const traceparent = stored?.header.get("traceparent") ?? "";
      assert.equal(traceparent.split("-")[1], traceId);
    } finally {
      await client.drain();
    }
  });
});
