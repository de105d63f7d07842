import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problems } from "./testdata/problems.ts";

describe("nats section checks", () => {
  it("accepts one kind of credentials, TLS, and credentials in the URLs alone", () => {
    assert.deepEqual(problems("nats: { servers: [nats://a:4222, tls://b], token: t }\n"), []);
    assert.deepEqual(problems("nats: { servers: nats://u:p@a:4222 }\n"), []);
    assert.deepEqual(
      problems("nats: { servers: a:4222, creds: x.creds, tls: { ca: ca.pem, cert: c, key: k } }\n"),
      [],
    );
  });

  it("rejects contradictory credentials, never quoting a secret", () => {
    assert.deepEqual(problems("nats:\n  servers: nats://a\n  token: s3cret\n  user: u\n  pass: pw\n"), [
      "nats: use one of token, user/pass, nkeySeed, creds or credentials in the server URLs, not token and user/pass (line 2)",
    ]);
    assert.deepEqual(problems("nats:\n  servers: nats://tok@a\n  nkeySeed: x.nk\n"), [
      "nats: use one of token, user/pass, nkeySeed, creds or credentials in the server URLs, not nkeySeed and credentials in the server URLs (line 2)",
    ]);
    assert.deepEqual(problems("nats:\n  servers: [nats://a@h, nats://b@h]\n"), [
      "nats.servers: the server URLs carry different credentials (line 2)",
    ]);
    assert.deepEqual(problems("nats:\n  servers: nats://a\n  user: u\n"), [
      "nats.user: user needs pass (line 3)",
    ]);
    assert.deepEqual(problems("nats:\n  servers: nats://a\n  pass: s3cret\n"), [
      "nats.pass: pass needs user (line 3)",
    ]);
    assert.deepEqual(problems("nats:\n  servers: nats://a\n  tls: { cert: c.pem }\n"), [
      "nats.tls: a client certificate needs its key: give cert and key together (line 3)",
    ]);
  });

  it("rejects a server that is not a URL, redacting its password", () => {
    assert.deepEqual(problems("nats:\n  servers: [nats://a:4222, 'http://u:s3cret@b/x', 'nats://a b']\n"), [
      'nats.servers[1]: "http://u:***@b/x" is not a server URL (use nats://host:4222 or tls://host:4222) (line 2)',
      'nats.servers[2]: "nats://a b" is not a server URL (use nats://host:4222 or tls://host:4222) (line 2)',
    ]);
  });

  it("rejects credentials for the embedded server", () => {
    assert.deepEqual(problems("nats: { servers: local, token: t }\n"), [
      "nats.token: the embedded server (servers: local) takes no credentials or TLS; list your servers' URLs to use them (line 1)",
    ]);
  });
});
