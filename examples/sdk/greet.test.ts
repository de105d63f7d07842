// Runs the README's SDK example (greet.ts) against a real nats-server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startTestNats, type TestNats } from "@junction/testkit";

let nats: TestNats;
before(async () => {
  nats = await startTestNats({ jetstream: false });
});
after(() => nats?.dispose());

it("the README's service and client exchange a greeting", async () => {
  const script = fileURLToPath(new URL("./greet.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=source", "--import", "tsx", script],
    { env: { ...process.env, NATS_URL: nats.url }, timeout: 30_000 },
  );
  const [text, correlationId] = stdout.trim().split(" ");
  assert.equal(`${text}`, "Bonjour,");
  assert.match(stdout, /^Bonjour, Ada \S{10,}\n$/);
  assert.ok(correlationId && correlationId.length > 0);
});
