// `ops.auth` over real HTTP on loopback: probes stay open, everything else needs a credential, and
// with one the console may redrive although its listener is not on loopback.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { Registry } from "prom-client";
import { ConfigError } from "../errors.ts";
import { createOpsAuth } from "./auth.ts";
import { createConsole } from "./console/index.ts";
import { type OpsServer, startOpsServer } from "./server.ts";

const KEY = "ops-key-that-must-never-be-echoed";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("ops listener auth", () => {
  let nats: TestNats;
  let client: JunctionClient;
  let ops: OpsServer;
  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url });
    const auth = await createOpsAuth(
      { apiKeys: { ops: { env: "OPS_KEY", scopes: [] } } },
      { env: { OPS_KEY: KEY }, baseDir: process.cwd() },
    );
    ops = await startOpsServer({
      listen: "127.0.0.1:0",
      registry: new Registry(),
      ready: () => true,
      status: async () => ({ routes: [] }),
      auth,
      console: createConsole({
        loaded: () => ({ routes: { routes: [] } }) as never,
        client,
        registry: new Registry(),
        status: async () => ({}),
        senderFor: () => ({}) as never,
        // What the operator configured: not loopback; the credential is what lets a redrive through.
        listen: "0.0.0.0:9464",
        authenticated: true,
      }),
    });
  });
  after(async () => {
    await ops?.close();
    await client?.drain();
    await nats?.dispose();
  });

  it("answers the probes without credentials", async () => {
    assert.equal((await fetch(`${ops.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${ops.url}/readyz`)).status, 200);
  });

  it("refuses every other endpoint without a good credential, with a Basic challenge, echoing no secret", async () => {
    for (const path of ["/metrics", "/status", "/", "/console/data", "/nope"]) {
      const res = await fetch(`${ops.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm="junction ops"/);
      await res.text();
    }
    const wrong = await fetch(`${ops.url}/metrics`, { headers: { "x-api-key": `${KEY}-not` } });
    assert.equal(wrong.status, 401);
    assert.doesNotMatch(await wrong.text(), /ops-key/);
    const wrongBasic = await fetch(`${ops.url}/status`, { headers: { authorization: basic("me", "nope") } });
    assert.equal(wrongBasic.status, 401);
    await wrongBasic.text();
  });

  it("serves with the key as X-Api-Key or as the password of Basic auth", async () => {
    const byHeader = await fetch(`${ops.url}/status`, { headers: { "x-api-key": KEY } });
    assert.equal(byHeader.status, 200);
    assert.deepEqual(await byHeader.json(), { routes: [] });
    const byBasic = await fetch(`${ops.url}/metrics`, {
      headers: { authorization: basic("prometheus", KEY) },
    });
    assert.equal(byBasic.status, 200);
    await byBasic.text();
    const page = await fetch(`${ops.url}/`, { headers: { authorization: basic("", KEY) } });
    assert.match(await page.text(), /<title>Junction console<\/title>/);
  });

  it("lets an authenticated console redrive off loopback, and no one else", async () => {
    const anonymous = await fetch(`${ops.url}/console/redrive?seq=1`, {
      method: "POST",
      headers: { "x-junction-action": "redrive" },
    });
    assert.equal(anonymous.status, 401);
    await anonymous.text();
    // Past the loopback rule: the redrive looks the letter up in JUNCTION_DLQ (there is none here).
    const res = await fetch(`${ops.url}/console/redrive?seq=1`, {
      method: "POST",
      headers: { "x-junction-action": "redrive", "x-api-key": KEY },
    });
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { ok: false, reason: "no dead letter #1 (already redriven?)" });
  });

  it("stops at start-up on an unset key variable or no credential, naming where", async () => {
    await assert.rejects(
      createOpsAuth({ apiKeys: { ops: { env: "UNSET_OPS_KEY" } } }, { env: {}, baseDir: process.cwd() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, [
          { path: "ops.auth.apiKeys.ops.env", message: "UNSET_OPS_KEY is not set" },
        ]);
        return true;
      },
    );
    const both = { sha256: "ab".repeat(32), env: "OPS_KEY" };
    await assert.rejects(
      createOpsAuth({ apiKeys: { both } }, { env: { OPS_KEY: KEY }, baseDir: process.cwd() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, [
          { path: "ops.auth.apiKeys.both", message: "needs exactly one of `sha256`, `env`" },
        ]);
        return true;
      },
    );
    await assert.rejects(createOpsAuth({}, { env: {}, baseDir: process.cwd() }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.path),
        ["ops.auth"],
      );
      return true;
    });
  });
});
