import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { operationPath, operationRoutes } from "@junction/gateway/config";
import { loadConfig } from "./load.ts";
import { problems } from "./testdata/problems.ts";

const streams = `
streams:
  - { name: PAYMENTS, subjects: ["pay.*.authorize", "pay.*.capture"], maxAge: 30d }
  - { name: OTHER, subjects: ["next.*.authorize"] }
`;

describe("operation catalogue checks", () => {
  it("accepts durable operations in their stream and queries outside every stream", () => {
    assert.deepEqual(
      problems(`${streams}
operations:
  - { name: payments.authorize, subject: "pay.{merchantId}.authorize", kind: durable, stream: PAYMENTS, timeoutMs: 5000 }
  - { name: payments.sync, subject: "pay.{merchantId}.sync", kind: query, timeoutMs: 1000 }
  - { name: payments.capture, subject: "pay.{merchantId}.capture", kind: durable, stream: PAYMENTS, timeoutMs: 5000,
      canary: { subject: "next.{merchantId}.authorize", percent: 10 } }
gateway: { listen: 127.0.0.1:0 }
`),
      [],
    );
  });

  it("reports schema problems of operations with their lines", () => {
    assert.deepEqual(
      problems(`
operations:
  - { name: Payments, subject: "pay.{m}.x", kind: query, timeoutMs: 0 }
  - { name: a.b, subject: "a.{m}.b", kind: query, timeoutMs: 1, canary: { subject: "n.{m}.b", percent: 100 } }
`),
      [
        "operations[0].name: use <group>.<operation>: lower-case letters, digits and _, e.g. payments.authorize (line 3)",
        "operations[0].timeoutMs: Too small: expected number to be >0 (line 3)",
        "operations[1].canary.percent: Too big: expected number to be <100 (line 4)",
      ],
    );
  });

  it("lists every meaning problem: landing, kinds, shifts, names and routes", () => {
    assert.deepEqual(
      problems(`${streams}
operations:
  - { name: payments.authorize, subject: "pay.{merchantId}.authorize", kind: query, timeoutMs: 5000 }
  - { name: payments.sync, subject: "pay.{merchantId}.sync", kind: durable, stream: PAYMENTS, timeoutMs: 1000 }
  - { name: payments.void, subject: "pay.{merchantId}.void", kind: durable, stream: NOPE, timeoutMs: 1000 }
  - { name: payments.void, subject: "pay.*.refund", kind: durable, timeoutMs: 1000 }
  - name: payments.capture
    subject: "pay.{merchantId}.capture"
    kind: durable
    stream: PAYMENTS
    timeoutMs: 5000
    shadow: { subject: "new.{other}.capture" }
    canary: { subject: "pay.{merchantId}.capture", percent: 50 }
  - { name: x.y, subject: "x.{a}.{b}", kind: query, timeoutMs: 1, http: { path: "/v1/x/:a" } }
  - { name: x.z, subject: "z.status", kind: query, timeoutMs: 1, http: { path: "/v1/status" } }
gateway:
  listen: 127.0.0.1:0
  routes: [{ method: POST, path: /v1/status, request: status }]
`),
      [
        'operations[0].subject: stream PAYMENTS captures "pay.{merchantId}.authorize" ("pay.*.authorize"): its PubAck would answer the query; narrow the stream\'s subjects or make the operation durable (line 7)',
        'operations[1].subject: stream PAYMENTS captures "pay.{merchantId}.sync": add "pay.*.sync" to its subjects (line 8)',
        'operations[2].stream: no stream "NOPE" under streams: (defined: PAYMENTS, OTHER) (line 9)',
        'operations[3].subject: "pay.*.refund": a gateway subject has no wildcards; use {name} for a path parameter (line 10)',
        'operations[3].name: duplicate name "payments.void" (also operations[2]) (line 10)',
        "operations[3].stream: a durable operation needs the stream that stores it (line 10)",
        "operations[4]: choose one of `shadow`, `canary` (line 11)",
        "operations[4].shadow.subject: needs the captures of the operation's subject: {merchantId} (line 16)",
        'operations[4].shadow.subject: no stream captures "new.{other}.capture": add "new.*.capture" to its subjects (line 16)',
        "operations[4].canary.subject: must differ from the operation's subject (line 17)",
        "operations[5].subject: {b} is not a path parameter (the path has :a) (line 18)",
        "operations[6].http.path: duplicate route POST /v1/status (also gateway.routes[0]) (line 19)",
      ],
    );
  });

  it("generates one POST route per operation, durable ones marked, parameters in subject order", () => {
    const { config } = loadConfig(
      readFileSync(new URL("../../../../examples/payments/junction.yaml", import.meta.url), "utf8"),
      { env: {} },
    );
    const routes = operationRoutes(config.operations);
    assert.equal(routes.length, 35);
    assert.deepEqual(routes[0], {
      method: "POST",
      path: "/v1/payments/:merchantId/authorize",
      request: "hyperswitch.payments.{merchantId}.authorize",
      durable: true,
      timeoutMs: 10_000,
      schema: routes[0]?.schema,
    });
    assert.deepEqual(
      routes.filter((r) => r.durable === undefined).map((r) => r.path),
      [
        "/v1/payments/:merchantId/sync",
        "/v1/payments/:merchantId/session",
        "/v1/refunds/:merchantId/sync",
        "/v1/tokens/:merchantId/validate",
        "/v1/auth/:merchantId/external",
        "/v1/auth/:merchantId/access_token",
        "/v1/auth/:merchantId/auth_token",
        "/v1/webhooks/:merchantId/verify",
        "/v1/payouts/:merchantId/sync",
        "/v1/tax/:merchantId/calculate",
        "/v1/fraud/:merchantId/check",
        "/v1/giftcards/:merchantId/balance",
      ],
    );
    const retention = Object.fromEntries(config.streams.map((s) => [s.name, s.maxAge]));
    assert.deepEqual(retention, { PAYMENTS: "30d", REFUNDS: "90d", WEBHOOKS: "7d", DISPUTES: "365d" });
    assert.equal(
      operationPath({ name: "a.b", subject: "x.{t}.{u}.y", kind: "query", timeoutMs: 1 }),
      "/v1/a/:t/:u/b",
    );
  });
});
