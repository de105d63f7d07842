import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problems } from "./testdata/problems.ts";

describe("gateway config checks", () => {
  it("accepts routes of every kind with path parameters, auth and schemas", () => {
    assert.deepEqual(
      problems(`
gateway:
  listen: 0.0.0.0:8080
  auth:
    apiKeys:
      partner: { sha256: ${"ab".repeat(32)}, scopes: [scores:write] }
      ci: { env: CI_KEY }
    jwt:
      players: { jwks: ./jwks.json, issuer: https://auth.example, audience: game }
    default: [players]
  headers: { request: [X-Tenant-Id], response: [X-Rate-Remaining] }
  routes:
    - { method: POST, path: "/v1/players/:playerId/move", request: "game.{playerId}.move", timeoutMs: 2000 }
    - { method: POST, path: /v1/scores, publish: game.scores, durable: true, auth: [partner], scopes: [scores:write] }
    - { method: POST, path: /v1/ai/generate, stream: ai.generate, schema: { body: { type: object } } }
    - { method: GET, path: /v1/leaderboard, request: game.leaderboard, schema: { query: { type: object } } }
    - { method: GET, path: /v1/status, request: game.status, auth: [ci, partner] }
`),
      [],
    );
  });

  it("lists every problem of every route, with its line", () => {
    const found = problems(`
gateway:
  listen: 0.0.0.0:8080
  auth:
    apiKeys:
      both: { sha256: ${"ab".repeat(32)}, env: KEY }
    default: [nobody]
  headers: { request: [Authorization, Junction-Kind] }
  routes:
    - { method: POST, path: /a, request: a, publish: b }
    - { method: POST, path: "/agents/:id", request: "agent.{agentId}.cmd" }
    - { method: POST, path: "/w/:id", request: "w.*.{id}" }
    - { method: POST, path: "/r/:rest", request: "r.{rest>}" }
    - { method: POST, path: /d, request: d, durable: true }
    - { method: GET, path: /g, request: g, schema: { body: { type: object } } }
    - { method: POST, path: /open, request: open, auth: none }
    - { method: POST, path: /healthz, request: h, auth: [both] }
    - { method: POST, path: "/x/:a", request: x, auth: [both] }
    - { method: POST, path: "/x/:b", request: x, auth: [both] }
    - { method: POST, path: /s, request: s, auth: none, scopes: [admin] }
    - { method: POST, path: "/p/a:b/:c/:c", request: p, auth: [both] }
`);
    const expect = [
      /^gateway\.auth\.apiKeys\.both: needs exactly one of `sha256`, `env` \(line 6\)$/,
      /^gateway\.auth\.default\[0\]: unknown credential "nobody"/,
      /^gateway\.headers\.request\[0\]: Authorization cannot be passed on to NATS/,
      /^gateway\.headers\.request\[1\]: Junction-Kind cannot be passed on to NATS/,
      /^gateway\.routes\[0\]: needs exactly one of `request`, `publish`, `stream` \(line 10\)$/,
      /^gateway\.routes\[1\]\.request: \{agentId\} is not a path parameter \(the path has :id\)/,
      /^gateway\.routes\[2\]\.request: "w\.\*\.\{id\}": a gateway subject has no wildcards/,
      /^gateway\.routes\[3\]\.request: \{rest>\}: a path parameter fills one token/,
      /^gateway\.routes\[4\]\.durable: only `publish` routes can be durable/,
      /^gateway\.routes\[5\]\.schema\.body: GET requests have no body/,
      /^gateway\.routes\[6\]\.auth: open to anyone on 0\.0\.0\.0:8080/,
      /^gateway\.routes\[7\]\.path: \/healthz is served by the gateway itself/,
      /^gateway\.routes\[9\]\.path: duplicate route POST \/x\/:b \(also gateway\.routes\[8\]\)/,
      /^gateway\.routes\[10\]\.scopes: scopes need auth/,
      /^gateway\.routes\[11\]\.path: "a:b": a parameter is a whole segment/,
      /^gateway\.routes\[11\]\.path: parameter :c appears twice/,
    ];
    for (const re of expect)
      assert.ok(
        found.some((p) => re.test(p)),
        `${re}\n${found.join("\n")}`,
      );
    // Routes without auth fall back to the (broken) default, so nothing else is reported as open.
    assert.equal(found.filter((p) => p.includes("open to anyone")).length, 2, found.join("\n"));
  });

  it("routes without auth are fine on loopback, and elsewhere only when explicitly allowed", () => {
    const routes = "  routes:\n    - { method: GET, path: /a, request: a }\n";
    assert.deepEqual(problems(`gateway:\n  listen: 127.0.0.1:8080\n${routes}`), []);
    assert.deepEqual(problems(`gateway:\n  listen: localhost:0\n${routes}`), []);
    assert.match(problems(`gateway:\n  listen: 0.0.0.0:8080\n${routes}`)[0] ?? "", /open to anyone/);
    assert.deepEqual(
      problems(`gateway:\n  listen: 0.0.0.0:8080\n  allowUnauthenticated: true\n${routes}`),
      [],
    );
  });

  it("schema errors come with the rest, as path: message lines", () => {
    const found = problems(`
gateway:
  listen: "nope"
  limits: { maxInFlight: 0 }
  routes:
    - { method: TRACE, path: a, request: a, auth: [] }
`);
    assert.ok(found.some((p) => p.startsWith("gateway.listen: use host:port")));
    assert.ok(found.some((p) => p.startsWith("gateway.limits.maxInFlight:")));
    assert.ok(found.some((p) => p.startsWith("gateway.routes[0].method:")));
    assert.ok(found.some((p) => p.startsWith("gateway.routes[0].path: must start with /")));
  });

  describe("operation routes are gateway routes", () => {
    const ops = `
streams: [{ name: PAYMENTS, subjects: ["pay.*.authorize"] }]
operations:
  - { name: payments.authorize, subject: "pay.{merchantId}.authorize", kind: durable, stream: PAYMENTS, timeoutMs: 5000 }
  - { name: payments.sync, subject: "pay.{merchantId}.sync", kind: query, timeoutMs: 1000, http: { auth: none } }
`;

    it("unauthenticated operations off loopback are refused, at the operation", () => {
      assert.deepEqual(
        problems(`${ops}gateway: { listen: 0.0.0.0:8080 }
`),
        [
          "operations[0].http.auth: open to anyone on 0.0.0.0:8080: add auth, or set allowUnauthenticated: true (line 4)",
          "operations[1].http.auth: open to anyone on 0.0.0.0:8080: add auth, or set allowUnauthenticated: true (line 5)",
        ],
      );
      assert.deepEqual(
        problems(`${ops}gateway: { listen: 0.0.0.0:8080, allowUnauthenticated: true }
`),
        [],
      );
      assert.deepEqual(
        problems(`${ops}gateway: { listen: 127.0.0.1:8080 }
`),
        [],
      );
    });

    it("with auth, callers are bound to the merchant: every accepted credential must name its tenants", () => {
      const gateway = (keys: string) => `gateway:
  listen: 0.0.0.0:8080
  allowUnauthenticated: true
  auth:
    apiKeys: { ${keys} }
    jwt: { merchants: { jwks: ./jwks.json } }
    default: [shop, merchants]
`;
      assert.deepEqual(problems(`${ops}${gateway(`shop: { env: SHOP_KEY }`)}`), [
        'operations[0].http.tenant: API key "shop" names no tenants: give it `tenants` (a list, or "*") (line 4)',
        'operations[0].http.tenant: JWT issuer "merchants" names no `tenantsClaim` (the claim listing a caller\'s tenants) (line 4)',
      ]);
      const bound = gateway(`shop: { env: SHOP_KEY, tenants: [m1, m2] }`).replace(
        "./jwks.json }",
        "./jwks.json, tenantsClaim: merchant_ids }",
      );
      assert.deepEqual(problems(`${ops}${bound}`), []);
    });

    it("an operation's auth, scopes and tenant are checked like a route's", () => {
      const found = problems(`
streams: [{ name: PAYMENTS, subjects: ["pay.*.authorize"] }]
operations:
  - name: payments.authorize
    subject: "pay.{merchantId}.authorize"
    kind: durable
    stream: PAYMENTS
    timeoutMs: 5000
    http: { auth: [nobody], tenant: shopId }
  - { name: payments.sync, subject: "pay.{merchantId}.sync", kind: query, timeoutMs: 1, http: { auth: none, scopes: [x], tenant: merchantId } }
gateway: { listen: 127.0.0.1:0, routes: [{ method: POST, path: "/v1/x/:id", request: "x.{id}", auth: none, tenant: id }] }
`);
      assert.deepEqual(found, [
        'operations[0].http.auth[0]: unknown credential "nobody" (auth.apiKeys / auth.jwt; none is defined) (line 9)',
        "operations[0].http.tenant: :shopId is not a path parameter (the path has :merchantId) (line 9)",
        "operations[1].http.scopes: scopes need auth: the route is open (line 10)",
        "operations[1].http.tenant: a tenant binding needs auth: the route is open (line 10)",
        "gateway.routes[0].tenant: a tenant binding needs auth: the route is open (line 11)",
      ]);
    });
  });

  it("checks ops.auth's credentials by the gateway's rules", () => {
    assert.deepEqual(
      problems(`
ops:
  listen: 0.0.0.0:9464
  auth:
    apiKeys:
      good: { env: OPS_KEY }
      both: { sha256: ${"ab".repeat(32)}, env: OPS_KEY }
    jwt:
      good: { jwks: ftp://keys.example/jwks.json }
`),
      [
        "ops.auth.apiKeys.both: needs exactly one of `sha256`, `env` (line 7)",
        'ops.auth.jwt.good: "good" is also an API key name (line 9)',
        "ops.auth.jwt.good.jwks: use a file path or an http(s):// URL (line 9)",
      ],
    );
  });
});
