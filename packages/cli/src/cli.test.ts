// Runs the real `junction` command (from source) and checks its contract: output and exit codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const example = fileURLToPath(new URL("../../../examples/mistersmith/junction.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "junction-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function junction(...args: string[]) {
  const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", main, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("junction CLI", () => {
  it("prints help with exit 0", () => {
    const r = junction("--help");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /translate/);
    assert.match(r.stdout, /validate/);
  });

  it("translate prints exactly one JSON object with route, subject, captures and requests", () => {
    const r = junction(
      "translate",
      "-c",
      example,
      "work.nlp.high.summarize",
      "--data",
      '{"t":1}',
      "--header",
      "Nats-Msg-Id=m-1",
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["route", "subject", "captures", "requests"]);
    assert.equal(out.route, "work");
    assert.deepEqual(out.captures, { domain: "nlp", priority: "high", taskType: "summarize" });
    assert.equal(out.requests[0].input.MessageDeduplicationId, "m-1");
    assert.equal(out.requests[0].input.MessageBody, '{"t":1}');
  });

  it("translate shows a Lambda payload as its JSON text", () => {
    const r = junction("translate", "-c", example, "api.agent.status", "--data", '{"agentId":"a1"}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).requests[0].input.Payload, '{"agentId":"a1"}');
  });

  it("translate exits 3 when no route matches, 2 on an invalid subject, 4 when the message cannot be mapped", () => {
    const none = junction("translate", "-c", example, "nothing.here");
    assert.equal(none.code, 3);
    assert.match(none.stderr, /no route matches subject "nothing.here"/);
    assert.equal(none.stdout, "");
    const invalid = junction("translate", "-c", example, "work..x");
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /token 2 is empty/);
    const unmappable = junction("translate", "-c", example, "agent.a1.heartbeat", "--data", "not json");
    assert.equal(unmappable.code, 4);
    assert.match(unmappable.stderr, /payload is not JSON/);
    const badHeader = junction("translate", "-c", example, "agent.a1.heartbeat", "--header", "novalue");
    assert.equal(badHeader.code, 2);
  });

  it("validate exits 0 for the example and 2 with one line per problem otherwise", () => {
    const ok = junction("validate", "-c", example);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "routes:\n  - name: r\n    from: { subject: 'a.>.b' }\n    to: [{ type: sqs, queue: q }]\n  - name: s\n    from: { subject: 'b.{id}' }\n    to: [{ type: sqs, queue: q, body: '{x}' }]\n",
    );
    const r = junction("validate", "-c", bad);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split("\n").slice(1);
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? "", /^routes\[0\]\.from\.subject: .*">" .*\(line 3\)$/);
    assert.match(
      lines[1] ?? "",
      /^routes\[1\]\.to\[0\]\.body: unknown capture "\{x\}" \(captures here: id\) \(line 7\)$/,
    );
    const missing = junction("validate", "-c", join(dir, "nope.yaml"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
  });

  it("validate refuses unauthenticated operations on a gateway off loopback (exit 2)", () => {
    const payments = fileURLToPath(new URL("../../../examples/payments/junction.yaml", import.meta.url));
    const open = join(dir, "open-operations.yaml");
    writeFileSync(
      open,
      `${readFileSync(payments, "utf8").replace("listen: 127.0.0.1:8080", "listen: 0.0.0.0:8080")}`,
    );
    const r = junction("validate", "-c", open);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n").slice(1);
    assert.equal(lines.length, 35, "one line per operation served over HTTP");
    assert.match(
      lines[0] ?? "",
      /^operations\[0\]\.http\.auth: open to anyone on 0\.0\.0\.0:8080: add auth, or set allowUnauthenticated: true \(line \d+\)$/,
    );
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
  });

  it("rejects unknown commands and options as invalid usage (exit 2)", () => {
    assert.equal(junction("frobnicate").code, 2);
    assert.equal(junction("translate", "--bogus").code, 2);
  });

  it("bench loads @junction/bench: an unknown benchmark is invalid usage, naming the ones it has", () => {
    const r = junction("bench", "frobnicate");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^junction: unknown benchmark "frobnicate" \(bridge, .*sdk.*\)$/m);
  });
});
