// Every CLI command against a secured nats-server, with the right and the wrong credentials from the
// config's `nats:` section (and from URLs): token, user/password, NKey, creds, TLS and mutual TLS.
// Real servers, the CLI as a process. No secret may appear in anything the commands print.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  NATS_AUTH_MODES,
  type NatsSection,
  type SecuredNats,
  spawnJunction,
  startSecuredNats,
} from "@junction/testkit";
import { type JunctionRun, runJunction } from "./testdata/run-junction.ts";

const dir = mkdtempSync(join(tmpdir(), "junction-secured-"));
/** Every output of every command in this file, searched for secrets at the end. */
const outputs: string[] = [];
const secrets = new Set<string>();
after(() => {
  for (const secret of secrets) {
    for (const output of outputs) assert.ok(!output.includes(secret), `a secret was printed:\n${output}`);
  }
  rmSync(dir, { recursive: true, force: true });
});

const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", JUNCTION_LOG_LEVEL: "info" };

async function junction(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<JunctionRun> {
  const run = await runJunction(args, { cwd: dir, env: { ...env, ...extraEnv } });
  outputs.push(run.stdout + run.stderr);
  return run;
}

/** A junction.yaml whose `nats:` section is `section` (as YAML flow), after `body`. */
function configFile(name: string, section: NatsSection | Record<string, unknown>, body = ""): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `nats: ${JSON.stringify(section)}\naws: { endpoint: "http://127.0.0.1:1" }\n${body}`);
  return file;
}

/** The one sentence a refused or unreachable connection ends with: no stack trace, no secret. */
function assertRefused(run: JunctionRun, pattern: RegExp): void {
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] as string, pattern);
}

const AUTH_REFUSED =
  /^junction: authorization violation: nats:\/\/127\.0\.0\.1:\d+ refused these credentials \(/;

describe("the CLI against a secured NATS, in each auth mode", { timeout: 600_000 }, () => {
  for (const mode of NATS_AUTH_MODES) {
    it(`${mode}: pub gets in with the config's credentials and is refused with wrong ones`, async (t) => {
      const secured = await startSecuredNats(mode);
      t.after(() => secured.dispose());
      for (const secret of secured.secrets) secrets.add(secret);
      const listener = await connect(secured.clientOptions);
      t.after(() => listener.drain());
      const sub = listener.nc.subscribe(`secure.${mode}`, { max: 1 });
      await listener.nc.flush();
      const [right, wrong] = await Promise.all([
        junction(["pub", "-c", configFile(`${mode}-right`, secured.config), `secure.${mode}`, '{"n":1}']),
        junction(["pub", "-c", configFile(`${mode}-wrong`, secured.wrongConfig), `secure.${mode}`, "x"]),
      ]);
      assert.equal(right.code, 0, right.stderr);
      for await (const msg of sub) assert.deepEqual(msg.json(), { n: 1 });
      if (mode === "tls") {
        assertRefused(wrong, /^junction: cannot connect to tls:\/\/127\.0\.0\.1:\d+: /);
      } else if (mode === "mtls") {
        // Without a client certificate the server ends the handshake; nats.js reports no reason.
        assertRefused(
          wrong,
          /^junction: (cannot connect to tls:\/\/127\.0\.0\.1:\d+: |authorization violation)/,
        );
      } else {
        assertRefused(wrong, AUTH_REFUSED);
      }
    });
  }
});

describe("every CLI command against a token-protected NATS", { timeout: 600_000 }, () => {
  let secured: SecuredNats;
  let client: JunctionClient;
  let right: string;
  let wrong: string;
  const TOKEN = { NATS_TOKEN: "t0ken-right-5ecret" };
  const body = `ops: { listen: "127.0.0.1:0" }
streams:
  - { name: ORDERS, subjects: ["orders.>"] }
routes:
  - name: orders
    from: { subject: "orders.{id}.created", stream: ORDERS }
    to: [{ type: sqs, queue: orders-out }]
`;

  before(async () => {
    secured = await startSecuredNats("token");
    for (const secret of secured.secrets) secrets.add(secret);
    client = await connect(secured.clientOptions);
    await client.serve("svc.echo", ({ data }) => ({ echo: data }));
    // The token through ${ENV}, as a secret should reach a config.
    right = configFile("token-right", { servers: secured.config.servers, token: "${NATS_TOKEN}" }, body);
    wrong = configFile("token-wrong", secured.wrongConfig, body);
  });
  after(async () => {
    await client?.drain();
    await secured?.dispose();
  });

  it("validate, provision, pub, req, sub, trace and dlq list work with the right credentials", async (t) => {
    const validate = await junction(["validate", "-c", right], TOKEN);
    assert.equal(validate.code, 0, validate.stderr);
    const provision = await junction(["provision", "-c", right, "--no-aws"], TOKEN);
    assert.equal(provision.code, 0, provision.stderr);
    assert.ok((await client.jetstream().manager()).streams.info("ORDERS"));

    const sub = spawnJunction(["sub", "orders.>", "--json", "--count", "1", "-c", right], {
      cwd: dir,
      env: { ...env, ...TOKEN },
    });
    t.after(() => sub.kill());
    await sub.waitForOutput(/listening/, 60_000);
    const pub = await junction(["pub", "-c", right, "orders.o1.created", '{"id":"o1"}'], TOKEN);
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal(await sub.exited, 0, sub.output());
    outputs.push(sub.output());
    assert.deepEqual(
      JSON.parse(
        sub
          .output()
          .split("\n")
          .find((l) => l.startsWith("{")) ?? "",
      ).data,
      { id: "o1" },
    );
    const id = pub.stdout.trim().split(" ").pop() as string;

    const [req, trace, dlq] = await Promise.all([
      junction(["req", "-c", right, "svc.echo", '{"hi":1}'], TOKEN),
      junction(["trace", id, "-c", right, "--json"], TOKEN),
      junction(["dlq", "list", "-c", right], TOKEN),
    ]);
    assert.equal(req.code, 0, req.stderr);
    assert.deepEqual(JSON.parse(req.stdout), { echo: { hi: 1 } });
    assert.equal(trace.code, 0, trace.stderr);
    assert.match(trace.stdout, new RegExp(id));
    assert.equal(dlq.code, 0, dlq.stderr);
  });

  it("run starts the bridge with the right credentials and drains on SIGTERM", async (t) => {
    const run = spawnJunction(["run", "-c", right], { cwd: dir, env: { ...env, ...TOKEN } });
    t.after(() => run.kill());
    await run.waitForOutput(/bridge running/, 120_000);
    assert.equal(await run.kill("SIGTERM"), 0, run.output());
    outputs.push(run.output());
  });

  it("up against the external server connects with credentials in the URL and prints and writes none", async (t) => {
    const url = secured.config.servers.replace("://", "://t0ken-right-5ecret@");
    const config = configFile(
      "up",
      { servers: url },
      'ops: { listen: "127.0.0.1:0" }\nstreams:\n  - { name: UP, subjects: ["up.>"] }\n',
    );
    const up = spawnJunction(["up", "-c", config], { cwd: dir, env });
    t.after(() => up.kill());
    await up.waitForOutput(/Ctrl-C .*to stop/, 120_000);
    const endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
    assert.equal(endpoints.nats, secured.config.servers);
    assert.match(up.output(), /connecting to NATS at nats:\/\/\*\*\*@127\.0\.0\.1:\d+/);
    assert.equal(await up.kill("SIGTERM"), 0, up.output());
    outputs.push(up.output());
  });

  it("every command says in one sentence that the server refused the credentials, naming the field", async () => {
    const runs = await Promise.all([
      junction(["pub", "-c", wrong, "orders.o1.created", "x"]),
      junction(["req", "-c", wrong, "svc.echo", "x"]),
      junction(["sub", "orders.>", "-c", wrong]),
      junction(["trace", "abc", "-c", wrong]),
      junction(["dlq", "list", "-c", wrong]),
      junction(["provision", "-c", wrong, "--no-aws"]),
      junction(["run", "-c", wrong]),
      junction(["up", "-c", wrong]),
    ]);
    for (const run of runs) {
      assertRefused(
        run,
        /^junction: authorization violation: nats:\/\/127\.0\.0\.1:\d+ refused these credentials \(nats\.token\)$/,
      );
    }
  });

  it("credentials in --server and NATS_URL work too, and wrong ones are named as theirs", async () => {
    const withToken = (token: string) => secured.config.servers.replace("://", `://${token}@`);
    const [viaServer, viaEnv, refused] = await Promise.all([
      junction(["req", "--server", withToken("t0ken-right-5ecret"), "svc.echo", "1"]),
      junction(["req", "svc.echo", "2"], { NATS_URL: withToken("t0ken-right-5ecret") }),
      junction(["req", "svc.echo", "3"], { NATS_URL: withToken("t0ken-wrong-5ecret") }),
    ]);
    assert.equal(viaServer.code, 0, viaServer.stderr);
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assertRefused(
      refused,
      /^junction: authorization violation: nats:\/\/\*\*\*@127\.0\.0\.1:\d+ refused these credentials \(the ones in NATS_URL\)$/,
    );
  });

  it("validate rejects contradictory credentials, and a credential file that cannot be read stops start-up", async () => {
    const [contradictory, missing, runMissing] = await Promise.all([
      junction([
        "validate",
        "-c",
        configFile("both", { servers: secured.config.servers, token: "a", user: "u", pass: "p" }),
      ]),
      junction([
        "validate",
        "-c",
        configFile("missing", { servers: secured.config.servers, creds: "nope.creds" }),
      ]),
      junction([
        "run",
        "-c",
        configFile("missing-run", { servers: secured.config.servers, nkeySeed: "nope.nk" }),
      ]),
    ]);
    assert.equal(contradictory.code, 2);
    assert.match(
      contradictory.stderr,
      /^nats: use one of token, user\/pass, nkeySeed, creds or credentials in the server URLs, not token and user\/pass/m,
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^nats\.creds: cannot read .*nope\.creds \(ENOENT\)$/m);
    assert.equal(runMissing.code, 2);
    assert.match(runMissing.stderr.trim(), /^junction: nats\.nkeySeed: cannot read .*nope\.nk \(ENOENT\)$/);
  });
});
