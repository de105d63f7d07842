import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { NATS_AUTH_MODES, startSecuredNats, startTestNats } from "@junction/testkit";
import { connect } from "./client.ts";
import { ConnectOptionsError, NatsAuthError, NatsConnectError } from "./errors.ts";
import { type ConnectOptions, natsOptions } from "./options.ts";
import { redactServer, splitServerCredentials } from "./server-url.ts";

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
  for (const mode of NATS_AUTH_MODES) {
    it(`${mode}: the right credentials get in, the wrong ones get one clear error`, async (t) => {
      const secured = await startSecuredNats(mode);
      t.after(() => secured.dispose());
      await roundTrip(secured.clientOptions);
      const refused = await connect(secured.wrongClientOptions).then(
        () => assert.fail("the wrong credentials were accepted"),
        (err: unknown) => err as Error,
      );
      if (mode === "tls") {
        // An untrusted server certificate: nothing was said about credentials.
        assert.ok(refused instanceof NatsConnectError, String(refused));
        assert.match(refused.message, /^cannot connect to tls:\/\/127\.0\.0\.1:\d+: /);
      } else if (mode === "mtls") {
        // Without a client certificate the server ends the TLS handshake.
        assert.ok(refused instanceof NatsConnectError || refused instanceof NatsAuthError, String(refused));
      } else {
        assert.ok(refused instanceof NatsAuthError, String(refused));
        assert.equal(refused.code, "ERR_NATS_AUTH");
        assert.match(refused.message, /^authorization violation: the server refused these credentials \(/);
      }
      for (const secret of secured.secrets) assert.ok(!refused.message.includes(secret));
    });
  }

  it("takes a token or user and password from the server URL, and says whose they were", async (t) => {
    const token = await startSecuredNats("token");
    t.after(() => token.dispose());
    const user = await startSecuredNats("user");
    t.after(() => user.dispose());
    const at = (url: string, userinfo: string) => url.replace("://", `://${userinfo}@`);
    await roundTrip(at(token.nats.url, token.config.token as string));
    await roundTrip(at(user.nats.url, `svc:${user.config.pass}`));
    const refused = await connect({
      servers: at(token.nats.url, "t0ken-wrong-5ecret"),
      reconnect: { maxAttempts: 0 },
    }).catch((err: unknown) => err);
    assert.ok(refused instanceof NatsAuthError);
    assert.equal(refused.credentials, "url");
    assert.doesNotMatch(refused.message, /5ecret/);
    const anonymous = await connect({ servers: token.nats.url, reconnect: { maxAttempts: 0 } }).catch(
      (err: unknown) => err,
    );
    assert.ok(anonymous instanceof NatsAuthError);
    assert.match(anonymous.message, /no credentials were given/);
  });

  it("says 'cannot connect' when nothing listens", async () => {
    const nats = await startTestNats({ jetstream: false });
    const url = nats.url;
    await nats.dispose();
    await assert.rejects(
      connect({ servers: url, reconnect: { maxAttempts: 0 } }),
      (err: unknown) =>
        err instanceof NatsConnectError && err.message.startsWith(`cannot connect to ${url}: `),
    );
  });

  it("rejects ambiguous, unreadable or invalid credentials before connecting, naming the option", () => {
    const option = (options: ConnectOptions) => {
      try {
        natsOptions(options);
      } catch (err) {
        assert.ok(err instanceof ConnectOptionsError);
        return [err.option, err.message];
      }
      return assert.fail("accepted");
    };
    assert.equal(option({ token: "a", user: "u", pass: "p" })[0], "token");
    assert.deepEqual(option({ user: "u" }), ["user", "user: user and pass go together"]);
    assert.equal(option({ servers: "nats://t@127.0.0.1:4222", token: "t" })[0], "token");
    assert.match(
      option({ credsFile: join(dir, "missing.creds") })[1] as string,
      /^credsFile: cannot read .*ENOENT/,
    );
    const badSeed = join(dir, "bad.nk");
    writeFileSync(badSeed, "SUAnotaseed\n");
    assert.deepEqual(option({ nkeySeedFile: badSeed }), [
      "nkeySeedFile",
      "nkeySeedFile: not a valid NKey seed",
    ]);
    const badCreds = join(dir, "bad.creds");
    writeFileSync(badCreds, "hello\n");
    assert.equal(option({ credsFile: badCreds })[0], "credsFile");
    assert.equal(option({ tls: { caFile: join(dir, "missing.pem") } })[0], "tls.caFile");
    assert.equal(option({ tls: { certFile: badSeed } })[0], "tls.certFile");
  });

  it("splits credentials off server URLs and redacts them for printing", () => {
    assert.deepEqual(splitServerCredentials(["nats://u%40x:p%3Aw@h:4222", "tls://u%40x:p%3Aw@h2"]), {
      servers: ["nats://h:4222", "tls://h2"],
      credentials: { user: "u@x", pass: "p:w" },
    });
    assert.deepEqual(splitServerCredentials(["tok@h:4222"]), {
      servers: ["h:4222"],
      credentials: { token: "tok" },
    });
    assert.throws(() => splitServerCredentials(["nats://a@h", "nats://b@h"]), ConnectOptionsError);
    assert.equal(redactServer("nats://u:pw@h:4222"), "nats://u:***@h:4222");
    assert.equal(redactServer("nats://tok@h"), "nats://***@h");
    assert.equal(redactServer("nats://h:4222"), "nats://h:4222");
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
