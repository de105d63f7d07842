import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DeliveryErrorCode } from "../delivery.ts";
import { createSender } from "../index.ts";
import { eventually, type LocalTargets, mapper, startLocalTargets } from "../testdata/local.ts";

const map = mapper(`
  - name: notify
    from: { subject: "notify.{fn}" }
    to: [{ type: lambda, function: "{fn}" }]
  - name: api
    from: { subject: "api.{fn}" }
    reply: { type: lambda, function: "{fn}" }
`);

const HANDLERS = `
import { writeFileSync } from "node:fs";
export const write = async (event) => { writeFileSync(event.path, JSON.stringify(event)); };
export const echo = async (event, context) => ({ echo: event, subject: context.clientContext?.custom?.subject });
export const boom = async () => { throw new TypeError("bad input"); };
`;

describe("Lambda sender (local edge endpoint)", () => {
  let local: LocalTargets;
  const dir = mkdtempSync(join(tmpdir(), "junction-lambda-"));
  before(async () => {
    writeFileSync(join(dir, "fns.mjs"), HANDLERS);
    local = await startLocalTargets(
      {
        writer: { handler: "./fns.mjs#write" },
        echo: { handler: "./fns.mjs#echo" },
        boom: { handler: "./fns.mjs#boom" },
      },
      dir,
    );
  });
  after(() => local.close());

  it("invokes Event functions (delivered once queued; the function runs)", async () => {
    const sender = createSender("lambda", local.clients);
    const files = [1, 2, 3].map((n) => join(dir, `out-${n}.json`));
    const outcomes = await sender.send(files.map((path) => map("notify.writer", { path })));
    assert.deepEqual(outcomes, [{ ok: true }, { ok: true }, { ok: true }]);
    for (const file of files) {
      await eventually(async () => (existsSync(file) ? true : undefined), 5000, file);
      assert.equal((JSON.parse(readFileSync(file, "utf8")) as { path: string }).path, file);
    }
  });

  it("answers RequestResponse with the reply payload, and a function error as delivered with functionError", async () => {
    const sender = createSender("lambda", local.clients);
    const [echo, boom] = await sender.send([map("api.echo", { hello: "world" }), map("api.boom")]);
    assert.ok(echo?.ok && echo.reply !== undefined);
    assert.equal(echo.functionError, undefined);
    assert.deepEqual(JSON.parse(Buffer.from(echo.reply).toString("utf8")), {
      echo: { hello: "world" },
      subject: "api.echo",
    });
    assert.ok(boom?.ok && boom.reply !== undefined);
    assert.equal(boom.functionError, "Unhandled");
    const error = JSON.parse(Buffer.from(boom.reply).toString("utf8")) as Record<string, unknown>;
    assert.equal(error.errorType, "TypeError");
    assert.equal(error.errorMessage, "bad input");
  });

  it("rejects an invocation of a function that does not exist", async () => {
    const sender = createSender("lambda", local.clients);
    const [missing] = await sender.send([map("api.nope")]);
    assert.ok(missing !== undefined && !missing.ok);
    assert.equal(missing.error.code, DeliveryErrorCode.Rejected);
    assert.equal(missing.error.message, 'function "nope" does not exist');
    assert.equal(missing.error.awsCode, "ResourceNotFoundException");
  });
});
