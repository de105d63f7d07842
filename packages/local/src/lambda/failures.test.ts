import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { json, parse, startHarness, testdataDir } from "./testdata/harness.ts";

interface ErrorBody {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
}

/** Invokes and expects a function error: 200, `Unhandled`, and the error object as the body. */
async function invokeError(client: LambdaClient, FunctionName: string, event: unknown = {}) {
  const out = await client.send(new InvokeCommand({ FunctionName, Payload: json(event), LogType: "Tail" }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, "Unhandled");
  const log = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
  return { body: parse(out.Payload) as ErrorBody, requestId: out.$metadata.requestId ?? "", log };
}

async function calls(client: LambdaClient, FunctionName: string): Promise<number> {
  const out = await client.send(new InvokeCommand({ FunctionName, Payload: json({}) }));
  assert.equal(out.FunctionError, undefined);
  return (parse(out.Payload) as { calls: number }).calls;
}

test("function errors, crashes and timeouts come back the way AWS shapes them", async (t) => {
  const { client } = await startHarness(t, {
    functions: { fragile: { handler: "./fragile.mjs#handler", timeoutMs: 500 } },
  });

  await t.test("a thrown error: errorType, errorMessage and trace", async () => {
    const { body, log } = await invokeError(client, "fragile", { action: "throw" });
    assert.equal(body.errorType, "TypeError");
    assert.equal(body.errorMessage, "bad input");
    assert.equal(body.trace?.[0], "TypeError: bad input");
    assert.match(body.trace?.[1] ?? "", /^\s+at .*fragile\.mjs/);
    assert.match(
      log,
      /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input","stack":\[/,
    );
  });

  await t.test("a rejected promise, and a thrown non-error", async () => {
    const rejected = await invokeError(client, "fragile", { action: "reject" });
    assert.equal(rejected.body.errorType, "RangeError");
    assert.equal(rejected.body.errorMessage, "out of range");
    const thrown = await invokeError(client, "fragile", { action: "throwString" });
    assert.deepEqual(thrown.body, { errorType: "string", errorMessage: "just a string", trace: [] });
    assert.ok((await calls(client, "fragile")) > 3, "errors don't cost the warm worker");
  });

  await t.test("a timeout: AWS's message, and the next invocation gets a fresh worker", async () => {
    const started = Date.now();
    const { body, requestId, log } = await invokeError(client, "fragile", { action: "hang" });
    assert.ok(Date.now() - started >= 500);
    assert.deepEqual(body, {
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${requestId} Error: Task timed out after 0.50 seconds`,
    });
    assert.match(
      log.trimEnd().split("\n").at(-1) ?? "",
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${requestId} Task timed out after 0\\.50 seconds$`),
      "the log ends with the timeout line",
    );
    assert.equal(await calls(client, "fragile"), 1);
  });

  await t.test("process.exit in a handler ends only its worker: Runtime.ExitError", async () => {
    const { body, requestId } = await invokeError(client, "fragile", { action: "exit" });
    assert.deepEqual(body, {
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status 3`,
    });
    assert.equal(await calls(client, "fragile"), 1);
  });

  await t.test("an exception thrown from a timer fails the invocation, not the host", async () => {
    const { body, log } = await invokeError(client, "fragile", { action: "throwLater" });
    assert.equal(body.errorType, "Error");
    assert.equal(body.errorMessage, "late boom");
    assert.match(log, /\tERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"late boom"/);
    assert.equal(await calls(client, "fragile"), 1);
  });

  await t.test("an unhandled rejection: Runtime.UnhandledPromiseRejection", async () => {
    const { body } = await invokeError(client, "fragile", { action: "forgetRejection" });
    assert.equal(body.errorType, "Runtime.UnhandledPromiseRejection");
    assert.equal(body.errorMessage, "Error: forgotten");
    assert.equal(await calls(client, "fragile"), 1);
  });

  await t.test("a result over 6 MB: Function.ResponseSizeTooLarge", async () => {
    const { body } = await invokeError(client, "fragile", { action: "big" });
    assert.equal(body.errorType, "Function.ResponseSizeTooLarge");
  });
});

test("modules that fail to load answer Runtime.* errors, and loading is retried", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "junction-lambda-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Written here rather than kept in testdata/: the linter would reject a file with a syntax error.
  await writeFile(join(dir, "broken.mjs"), "export const handler = async (event) => {\n");
  const { client } = await startHarness(t, {
    baseDir: dir,
    functions: {
      missing: { handler: "./missing.mjs#handler" },
      broken: { handler: "./broken.mjs#handler" },
      noExport: { handler: join(testdataDir, "echo.mjs#nope") },
      notFunction: { handler: join(testdataDir, "echo.mjs#notAFunction") },
      initThrows: { handler: join(testdataDir, "top-level-throw.mjs#handler") },
      later: { handler: "./later.mjs#handler" },
    },
  });

  const missing = await invokeError(client, "missing");
  assert.equal(missing.body.errorType, "Runtime.ImportModuleError");
  assert.match(missing.body.errorMessage, /^Error.*: Cannot find module '.*missing\.mjs'/);
  assert.equal(missing.body.trace?.[0], `Runtime.ImportModuleError: ${missing.body.errorMessage}`);
  assert.match(
    missing.log,
    /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.ImportModuleError"/,
  );

  const broken = await invokeError(client, "broken");
  assert.equal(broken.body.errorType, "Runtime.UserCodeSyntaxError");
  assert.match(broken.body.errorMessage, /^SyntaxError: /);

  const noExport = await invokeError(client, "noExport");
  assert.equal(noExport.body.errorType, "Runtime.HandlerNotFound");
  assert.equal(
    noExport.body.errorMessage,
    `${join(testdataDir, "echo.mjs#nope")} is undefined or not exported`,
  );

  const notFunction = await invokeError(client, "notFunction");
  assert.equal(notFunction.body.errorType, "Runtime.HandlerNotFound");
  assert.match(notFunction.body.errorMessage, /echo\.mjs#notAFunction is not a function$/);

  const initThrows = await invokeError(client, "initThrows");
  assert.equal(initThrows.body.errorType, "Error");
  assert.equal(initThrows.body.errorMessage, "init failed");

  // A failed init leaves no worker behind: once the module exists, the next invocation loads it.
  assert.equal((await invokeError(client, "later")).body.errorType, "Runtime.ImportModuleError");
  await writeFile(join(dir, "later.mjs"), "export const handler = async () => ({ calls: 1 });\n");
  assert.equal(await calls(client, "later"), 1);
});
