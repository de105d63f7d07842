import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { operationRoutes } from "./operation-routes.ts";
import { OperationSchema } from "./operations-schema.ts";
import { GatewayConfigSchema, GatewayRouteSchema, GatewaySchema } from "./schema.ts";

describe("the gateway's config schema", () => {
  it("holds the defaults, so a config written in code gets the same ones as junction.yaml", () => {
    const config = GatewayConfigSchema.parse({ routes: [{ method: "POST", path: "/a", request: "a" }] });
    assert.equal(config.listen, "127.0.0.1:8080");
    assert.equal(config.allowUnauthenticated, false);
    assert.deepEqual(config.limits, {
      maxInFlight: 1024,
      maxStreams: 256,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      retryAfterSeconds: 1,
    });
    assert.deepEqual(config.sse, {
      heartbeatMs: 15_000,
      maxDurationMs: 300_000,
      maxBufferBytes: 1024 * 1024,
    });
    assert.deepEqual(config.headers, { request: [], response: [] });
    assert.equal(config.drainTimeoutMs, 5000);
    assert.equal(config.routes[0]?.timeoutMs, 5000);
  });

  it("keeps what is written over the defaults", () => {
    const config = GatewayConfigSchema.parse({ limits: { maxStreams: 3 }, sse: { heartbeatMs: 500 } });
    assert.equal(config.limits.maxStreams, 3);
    assert.equal(config.limits.maxInFlight, 1024);
    assert.equal(config.sse.heartbeatMs, 500);
    assert.equal(config.sse.maxDurationMs, 300_000);
  });

  it("takes shadow and canary only on routes generated from operations", () => {
    const route = { method: "POST", path: "/a", request: "a", canary: { subject: "b", percent: 5 } };
    assert.equal(GatewayConfigSchema.safeParse({ routes: [route] }).success, true);
    const written = GatewaySchema.safeParse({ routes: [route] });
    assert.equal(written.success, false);
    assert.deepEqual(written.error?.issues[0]?.path, ["routes", 0]);
  });

  it("gives operation routes the one route type: each parses as a gateway route, unchanged", () => {
    const operation = OperationSchema.parse({
      name: "payments.authorize",
      subject: "pay.{merchantId}.authorize",
      kind: "durable",
      stream: "PAYMENTS",
      timeoutMs: 2000,
      shadow: { subject: "next.{merchantId}.authorize" },
      http: { auth: ["partner"] },
    });
    const [route] = operationRoutes([operation]);
    assert.deepEqual(route, {
      method: "POST",
      path: "/v1/payments/:merchantId/authorize",
      request: "pay.{merchantId}.authorize",
      durable: true,
      timeoutMs: 2000,
      shadow: { subject: "next.{merchantId}.authorize" },
      auth: ["partner"],
      tenant: "merchantId",
    });
    assert.deepEqual(GatewayRouteSchema.parse(route), route);
  });
});
