// Auth on and off: API keys (hashed in config, or from env) and JWTs (JWKS file and URL), 401 vs 403.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Headers } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { GatewayConfigError } from "./errors.ts";
import { type Harness, type Problem, post, startHarness } from "./testdata/harness.ts";

type Key = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

async function keyPair(kid: string): Promise<{ key: Key; jwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  return { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

function token(
  key: { key: Key; jwk: JWK },
  claims: { iss: string; aud?: string; sub?: string; scope?: string; exp?: number; merchants?: unknown },
): Promise<string> {
  const jwt = new SignJWT({
    ...(claims.scope === undefined ? {} : { scope: claims.scope }),
    ...(claims.merchants === undefined ? {} : { merchants: claims.merchants }),
  })
    .setProtectedHeader({ alg: "ES256", kid: key.jwk.kid as string })
    .setIssuer(claims.iss)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? "5m");
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  return jwt.sign(key.key);
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("gateway auth", () => {
  let nats: TestNats;
  let h: Harness;
  let dir: string;
  let jwksServer: Server;
  let players: { key: Key; jwk: JWK };
  let partners: { key: Key; jwk: JWK };
  let stranger: { key: Key; jwk: JWK };
  const logs: string[] = [];
  const paid: string[] = [];

  before(async () => {
    nats = await startTestNats({ jetstream: false });
    dir = await mkdtemp(join(tmpdir(), "gateway-auth-"));
    players = await keyPair("players-1");
    partners = await keyPair("partners-1");
    stranger = await keyPair("players-1"); // same kid, different key: a forgery
    await writeFile(join(dir, "players.jwks.json"), JSON.stringify({ keys: [players.jwk] }));
    jwksServer = createServer((_req, res) => {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ keys: [partners.jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const { port } = jwksServer.address() as { port: number };
    const line = (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg }));
    h = await startHarness(
      {
        auth: {
          apiKeys: {
            partner: { sha256: sha256("partner-secret"), scopes: ["scores:write"] },
            ci: { env: "CI_KEY" },
            shopA: { sha256: sha256("shop-a-secret"), tenants: ["m-a"] },
            ops: { sha256: sha256("ops-secret"), tenants: "*" },
          },
          jwt: {
            players: {
              jwks: "players.jwks.json",
              issuer: "https://auth.test",
              audience: "game",
              tenantsClaim: "merchants",
            },
            partners: { jwks: `http://127.0.0.1:${port}/jwks`, issuer: "https://partners.test" },
          },
          default: ["players"],
        },
        routes: [
          { method: "POST", path: "/open", request: "who", auth: "none" },
          { method: "POST", path: "/me", request: "who" },
          {
            method: "POST",
            path: "/scores",
            request: "who",
            auth: ["partner", "ci"],
            scopes: ["scores:write"],
          },
          { method: "POST", path: "/partners", request: "who", auth: ["partners"] },
          {
            method: "POST",
            path: "/merchants/:merchantId/pay",
            request: "pay.{merchantId}",
            auth: ["shopA", "ops", "players"],
            tenant: "merchantId",
          },
        ],
      },
      {
        nats,
        deps: {
          env: { CI_KEY: "ci-secret" },
          baseDir: dir,
          logger: { info: line, warn: line, error: line },
        },
      },
    );
    await h.service.serve("who", (ctx) => ({ principal: ctx.message.header(Headers.Principal) ?? null }));
    await h.service.serve("pay.{merchantId}", (ctx) => {
      paid.push(ctx.captures.merchantId ?? "");
      return { merchant: ctx.captures.merchantId };
    });
  });
  after(async () => {
    await h?.dispose();
    await nats?.dispose();
    jwksServer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const call = (path: string, headers: Record<string, string> = {}) =>
    post(`${h.url}${path}`, {}, { headers });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it("lets anyone call a route with auth: none", async () => {
    const res = await call("/open");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { principal: null });
  });

  it("asks for credentials with 401 and a challenge", async () => {
    const res = await call("/me");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="junction"');
    assert.equal(res.json<Problem>().code, "ERR_GATEWAY_UNAUTHORIZED");
    const keyed = await call("/scores");
    assert.equal(keyed.headers.get("www-authenticate"), 'ApiKey realm="junction"');
  });

  it("accepts a valid JWT from a JWKS file and tells the service who called", async () => {
    const t = await token(players, { iss: "https://auth.test", aud: "game", sub: "player-7" });
    const res = await call("/me", bearer(t));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json(), { principal: "jwt:players:player-7" });
  });

  it("refuses expired, forged, wrong-audience and malformed tokens with 401", async () => {
    const cases = [
      await token(players, {
        iss: "https://auth.test",
        aud: "game",
        exp: Math.floor(Date.now() / 1000) - 60,
      }),
      await token(stranger, { iss: "https://auth.test", aud: "game" }),
      await token(players, { iss: "https://auth.test", aud: "other-game" }),
      await token(players, { iss: "https://evil.test", aud: "game" }),
      "not.a.jwt",
    ];
    for (const t of cases) {
      const res = await call("/me", bearer(t));
      assert.equal(res.status, 401, t);
      assert.match(res.json<Problem>().detail, /^token rejected \(ERR_J/);
    }
  });

  it("refuses an unsigned token (alg: none) and a missing one with 401", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({
      iss: "https://auth.test",
      aud: "game",
      sub: "player-7",
      exp: Math.floor(Date.now() / 1000) + 300,
    })}.`;
    const res = await call("/me", bearer(unsigned));
    assert.equal(res.status, 401);
    assert.match(res.json<Problem>().detail, /^token rejected \(ERR_J/);
    assert.equal((await call("/me", { authorization: "Bearer" })).status, 401);
  });

  it("binds callers to their tenants: another merchant is 403 before anything reaches NATS", async () => {
    const pay = (merchant: string, headers: Record<string, string>) =>
      call(`/merchants/${merchant}/pay`, headers);
    const shopA = { "x-api-key": "shop-a-secret" };
    assert.equal((await pay("m-a", shopA)).status, 200);
    const other = await pay("m-b", shopA);
    assert.equal(other.status, 403);
    assert.equal(other.json<Problem>().code, "ERR_GATEWAY_FORBIDDEN");
    assert.equal(other.json<Problem>().detail, 'credential "shopA" may not act for merchantId "m-b"');
    assert.equal((await pay("m-b", { "x-api-key": "ops-secret" })).status, 200, "tenants: * acts for any");

    const claims = { iss: "https://auth.test", aud: "game", sub: "clerk" };
    const listed = await token(players, { ...claims, merchants: ["m-c", "m-d"] });
    assert.equal((await pay("m-d", bearer(listed))).status, 200);
    assert.equal((await pay("m-a", bearer(listed))).status, 403);
    const single = await token(players, { ...claims, merchants: "m-c" });
    assert.equal((await pay("m-c", bearer(single))).status, 200);
    const none = await token(players, claims);
    assert.equal((await pay("m-c", bearer(none))).status, 403, "a token without the claim acts for none");
    assert.deepEqual(paid, ["m-a", "m-b", "m-d", "m-c"]);
  });

  it("accepts a token from a JWKS URL", async () => {
    const t = await token(partners, { iss: "https://partners.test", sub: "acme" });
    const res = await call("/partners", bearer(t));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json(), { principal: "jwt:partners:acme" });
  });

  it("answers 403 to a valid credential the route does not accept", async () => {
    const partnerToken = await token(partners, { iss: "https://partners.test", sub: "acme" });
    const res = await call("/me", bearer(partnerToken));
    assert.equal(res.status, 403);
    assert.equal(res.json<Problem>().code, "ERR_GATEWAY_FORBIDDEN");
    const playerToken = await token(players, {
      iss: "https://auth.test",
      aud: "game",
      scope: "scores:write",
    });
    assert.equal((await call("/scores", bearer(playerToken))).status, 403);
  });

  it("checks API keys by hash, from the config or from the environment, and their scopes", async () => {
    const partner = await call("/scores", { "x-api-key": "partner-secret" });
    assert.equal(partner.status, 200);
    assert.deepEqual(partner.json(), { principal: "apikey:partner" });
    const ci = await call("/scores", { "x-api-key": "ci-secret" });
    assert.equal(ci.status, 403);
    assert.match(ci.json<Problem>().detail, /missing scope scores:write/);
    assert.equal((await call("/scores", { "x-api-key": "guess" })).status, 401);
  });

  it("never logs a secret", () => {
    const all = logs.join("\n");
    assert.ok(logs.length > 10, "access logs were written");
    for (const secret of ["partner-secret", "ci-secret", "shop-a-secret", "ops-secret", "Bearer"])
      assert.ok(!all.includes(secret), secret);
    // A token's shape, not its "eyJ" prefix: random correlation ids contain "eyJ" about once in 400 runs.
    assert.doesNotMatch(all, /eyJ[\w-]*\.[\w-]*\./, "a JWT");
  });

  it("a gateway written in code gets the config checks: no open route off loopback", async () => {
    const { createGateway } = await import("./gateway.ts");
    const gateway = createGateway(
      {
        listen: "192.0.2.1:0", // TEST-NET: never bound, even if the check let it through
        auth: { apiKeys: { shop: { sha256: sha256("s") } } },
        routes: [
          {
            method: "POST",
            path: "/v1/payments/:merchantId/authorize",
            request: "p.{merchantId}",
            durable: true,
          },
          { method: "POST", path: "/v1/x", request: "x", auth: ["shop"], headers: ["Authorization"] },
          { method: "POST", path: "/v1/y/:m", request: "y.{m}", auth: ["shop"], tenant: "m" },
        ],
      },
      { client: h.client, env: {}, baseDir: dir },
    );
    await assert.rejects(gateway.start(), (err: unknown) => {
      assert.ok(err instanceof GatewayConfigError);
      assert.deepEqual(
        err.problems.map((p) => `${p.path}: ${p.message}`),
        [
          "gateway.routes[0].auth: open to anyone on 192.0.2.1:0: add auth, or set allowUnauthenticated: true",
          "gateway.routes[1].headers[0]: Authorization cannot be passed on to NATS",
          'gateway.routes[2].tenant: API key "shop" names no tenants: give it `tenants` (a list, or "*")',
        ],
      );
      return true;
    });
  });

  it("refuses to start a config written in code that its schema rejects, naming each field", async () => {
    const { createGateway } = await import("./gateway.ts");
    const gateway = createGateway(
      {
        listen: "127.0.0.1:0",
        limits: { maxStreams: 0 },
        routes: [{ method: "POST", path: "no-slash", request: "x", timeoutMs: -1 }],
      },
      { client: h.client, env: {}, baseDir: dir },
    );
    await assert.rejects(gateway.start(), (err: unknown) => {
      assert.ok(err instanceof GatewayConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.path),
        ["gateway.limits.maxStreams", "gateway.routes[0].path", "gateway.routes[0].timeoutMs"],
      );
      return true;
    });
  });

  it("refuses to start with every start-up problem listed", async () => {
    const { createGateway } = await import("./gateway.ts");
    const gateway = createGateway(
      {
        listen: "127.0.0.1:0",
        auth: {
          apiKeys: { ci: { env: "UNSET_KEY" } },
          jwt: { players: { jwks: "missing.json" } },
        },
        routes: [{ method: "GET", path: "/x/:id", request: "x.{other}", auth: ["ci"] }],
      },
      { client: h.client, env: {}, baseDir: dir },
    );
    await assert.rejects(gateway.start(), (err: unknown) => {
      assert.ok(err instanceof GatewayConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.path),
        ["gateway.auth.apiKeys.ci.env", "gateway.auth.jwt.players.jwks", "gateway.routes[0].request"],
      );
      return true;
    });
  });
});
