import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startTestNats } from "@junction/testkit";
import { createUser } from "@nats-io/nkeys";
import { connect } from "../client/index.ts";
import { ConnectOptionsError, natsOptions } from "./options.ts";

const dir = mkdtempSync(join(tmpdir(), "junction-connect-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Connects, proves the connection works with a round trip, drains. */
async function roundTrip(options: Parameters<typeof connect>[0]): Promise<void> {
  const client = await connect(options);
  try {
    const sub = client.nc.subscribe("ping", { max: 1 });
    client.publish("ping", "x");
    for await (const msg of sub) assert.equal(msg.subject, "ping");
  } finally {
    await client.drain();
  }
}

describe("connect", () => {
  it("authenticates with a token, and a wrong token is refused", async (t) => {
    const nats = await startTestNats({ jetstream: false, extraConfig: 'authorization { token: "s3cret" }' });
    t.after(() => nats.dispose());
    await roundTrip({ servers: nats.url, token: "s3cret" });
    await assert.rejects(connect({ servers: nats.url, token: "wrong", reconnect: { maxAttempts: 0 } }));
  });

  it("authenticates with user and password", async (t) => {
    const nats = await startTestNats({
      jetstream: false,
      extraConfig: 'authorization { users: [ { user: "svc", password: "pw" } ] }',
    });
    t.after(() => nats.dispose());
    await roundTrip({ servers: nats.url, user: "svc", pass: "pw" });
    await assert.rejects(
      connect({ servers: nats.url, user: "svc", pass: "nope", reconnect: { maxAttempts: 0 } }),
    );
  });

  it("authenticates with an NKey seed file", async (t) => {
    const user = createUser();
    const seedFile = join(dir, "user.nk");
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`);
    const nats = await startTestNats({
      jetstream: false,
      extraConfig: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
    });
    t.after(() => nats.dispose());
    await roundTrip({ servers: nats.url, nkeySeedFile: seedFile });
  });

  it("connects over TLS, verifying the server against a CA file", async (t) => {
    const ca = join(dir, "ca");
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=junction-test-ca",
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
    );
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      join(dir, "server.key"),
      "-out",
      join(dir, "server.csr"),
    );
    // nats.js over Node TLS checks the name "localhost" when the URL is an IP, so the cert carries both.
    writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
      "x509",
      "-req",
      "-in",
      join(dir, "server.csr"),
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      join(dir, "san.ext"),
      "-out",
      join(dir, "server.pem"),
    );
    const nats = await startTestNats({
      jetstream: false,
      extraConfig: `tls { cert_file: "${join(dir, "server.pem")}", key_file: "${join(dir, "server.key")}" }`,
    });
    t.after(() => nats.dispose());
    await roundTrip({ servers: nats.url, tls: { caFile: `${ca}.pem` } });
  });

  it("rejects ambiguous or unreadable credentials before connecting", () => {
    assert.throws(() => natsOptions({ token: "a", user: "u", pass: "p" }), ConnectOptionsError);
    assert.throws(() => natsOptions({ user: "u" }), /user and pass go together/);
    assert.throws(
      () => natsOptions({ credsFile: join(dir, "missing.creds") }),
      /credsFile: cannot read .*ENOENT/,
    );
  });

  it("reconnects with exponential backoff and full jitter, reset after a reconnect", () => {
    const { options, onReconnected } = natsOptions({ reconnect: { baseDelayMs: 100, maxDelayMs: 1000 } });
    const delay = options.reconnectDelayHandler as () => number;
    const caps = [100, 200, 400, 800, 1000, 1000];
    for (let round = 0; round < 50; round++) {
      onReconnected();
      for (const cap of caps) {
        const d = delay();
        assert.ok(d >= 0 && d <= cap, `delay ${d} within [0, ${cap}]`);
      }
    }
    assert.equal(options.maxReconnectAttempts, -1);
  });
});
