// `junction run` with a `gateway:` section, as an operator runs it: the real CLI process against a real
// nats-server. SIGTERM while a request is in flight: it still gets its answer, then the process exits.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { freePorts, spawnJunction, startTestNats, type TestNats } from "@junction/testkit";

describe("junction run with a gateway", { timeout: 120_000 }, () => {
  let nats: TestNats;
  let service: JunctionClient;
  let dir: string;
  before(async () => {
    nats = await startTestNats();
    service = await connect(nats.url);
    await service.serve("slow.echo", async (ctx) => {
      await new Promise((r) => setTimeout(r, 1_000));
      return ctx.data;
    });
    dir = mkdtempSync(join(tmpdir(), "junction-run-gateway-"));
  });
  after(async () => {
    await service?.drain();
    await nats?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the configured routes and drains on SIGTERM", async () => {
    const [port, opsPort] = await freePorts(2);
    writeFileSync(
      join(dir, "junction.yaml"),
      `nats: { servers: "${nats.url}" }
ops: { listen: "127.0.0.1:${opsPort}" }
gateway:
  listen: 127.0.0.1:${port}
  routes:
    - { method: POST, path: /echo, request: slow.echo }
`,
    );
    const run = spawnJunction(["run", "-c", "junction.yaml"], { cwd: dir });
    try {
      await run.waitForOutput(/gateway running/);
      const url = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      const inFlight = fetch(`${url}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"n":1}',
      });
      await new Promise((r) => setTimeout(r, 300));
      const exited = run.kill("SIGTERM");
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { n: 1 });
      assert.equal(await exited, 0, run.output());
      assert.match(run.output(), /"msg":"stopped"/);
    } finally {
      await run.kill();
    }
  });

  it("stops at start-up with every problem only start-up can find", async () => {
    writeFileSync(
      join(dir, "bad.yaml"),
      `nats: { servers: "${nats.url}" }
ops: { listen: "127.0.0.1:0" }
gateway:
  listen: 127.0.0.1:0
  auth:
    apiKeys: { ci: { env: JUNCTION_TEST_UNSET_KEY } }
    jwt: { players: { jwks: ./missing-jwks.json } }
  routes:
    - { method: POST, path: /echo, request: slow.echo, auth: [ci, players] }
`,
    );
    const run = spawnJunction(["run", "-c", "bad.yaml"], { cwd: dir });
    assert.equal(await run.exited, 2, run.output());
    assert.match(run.output(), /gateway\.auth\.apiKeys\.ci\.env: JUNCTION_TEST_UNSET_KEY is not set/);
    assert.match(
      run.output(),
      /gateway\.auth\.jwt\.players\.jwks: cannot use .*missing-jwks\.json as a JWKS/,
    );
  });
});
