import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { LambdaServiceError, LocalLambdaConfigError } from "./errors.ts";
import { createLocalLambda } from "./local-lambda.ts";
import { eventually, json, parse, startHarness } from "./testdata/harness.ts";

const ARN = "arn:aws:lambda:us-east-1:000000000000:function";

const functions = {
  echo: { handler: "./echo.mjs#handler", env: { GREETING: "hello" } },
  callback: { handler: "./echo.mjs#callbackStyle" },
  sync: { handler: "./echo.mjs#syncStyle" },
  nested: { handler: "./echo.mjs#nested.deeper.handler" },
  slow: { handler: "./echo.mjs#slow" },
  record: { handler: "./events.mjs#record" },
  flaky: { handler: "./events.mjs#flaky" },
};

async function readLines(file: string): Promise<string[]> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter((line) => line !== "");
}

test("local Lambda through the stock AWS SDK client", async (t) => {
  // Event retries 500 times faster than AWS's 1 and 2 minutes.
  const { client, lambda, logs } = await startHarness(t, { functions, asyncTimeScale: 0.002 });
  const dir = await mkdtemp(join(tmpdir(), "junction-lambda-"));
  t.after(() => rm(dir, { recursive: true, force: true }));

  await t.test("RequestResponse returns the handler's JSON, from one warm worker", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "echo", Payload: json({ a: 1 }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.LogResult, undefined);
    const body = parse(out.Payload) as Record<string, unknown>;
    assert.deepEqual(body.event, { a: 1 });
    assert.equal(body.functionName, "echo");
    assert.equal(body.functionVersion, "$LATEST");
    assert.equal(body.invokedFunctionArn, `${ARN}:echo`);
    assert.equal(body.memoryLimitInMB, "128");
    assert.equal(body.awsRequestId, out.$metadata.requestId);
    assert.equal(body.logGroupName, "/aws/lambda/echo");
    assert.match(String(body.logStreamName), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(body.clientContext, null);
    assert.ok(Number(body.remainingMs) > 2000 && Number(body.remainingMs) <= 3000);
    assert.equal(body.greeting, "hello");
    assert.equal(body.lambdaName, "echo");
    const again = parse((await client.send(new InvokeCommand({ FunctionName: "echo" }))).Payload);
    assert.deepEqual((again as Record<string, unknown>).event, {}, "no payload is {}");
    assert.equal((again as Record<string, unknown>).calls, 2, "module loaded once");
  });

  await t.test("callback-style, synchronous and nested handlers", async () => {
    for (const [name, expected] of [
      ["callback", { via: "callback", event: [1] }],
      ["sync", { via: "sync", event: [1] }],
      ["nested", "nested"],
    ] as const) {
      const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: json([1]) }));
      assert.deepEqual(parse(out.Payload), expected, name);
    }
  });

  await t.test("invocations of one function run one at a time, in order", async () => {
    const outs = await Promise.all(
      [1, 2, 3].map(() =>
        client.send(new InvokeCommand({ FunctionName: "slow", Payload: json({ ms: 60 }) })),
      ),
    );
    const spans = outs.map((out) => parse(out.Payload) as { start: number; end: number });
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) {
      assert.ok((spans[i]?.start ?? 0) >= (spans[i - 1]?.end ?? Infinity), "no overlap");
    }
  });

  await t.test("Event answers 202 with an empty body and runs the handler", async () => {
    const file = join(dir, "event.txt");
    const payload = json({ file, line: "ran" });
    const out = await client.send(
      new InvokeCommand({ FunctionName: "record", InvocationType: "Event", Payload: payload }),
    );
    assert.equal(out.StatusCode, 202);
    assert.equal(out.Payload?.byteLength ?? 0, 0);
    assert.deepEqual(
      await eventually(async () => ((await readLines(file)).length > 0 ? readLines(file) : undefined)),
      ["ran"],
    );
  });

  await t.test("a failing Event invocation is tried 3 times in all", async () => {
    const file = join(dir, "flaky.txt");
    await lambda.invoke(`${ARN}:flaky`, json({ file }), { type: "Event" });
    await eventually(async () => ((await readLines(file)).length >= 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await readLines(file)).length, 3);
  });

  await t.test("DryRun answers 204 without running the handler", async () => {
    const file = join(dir, "dry.txt");
    const payload = json({ file, line: "should not run" });
    const out = await client.send(
      new InvokeCommand({ FunctionName: "record", InvocationType: "DryRun", Payload: payload }),
    );
    assert.equal(out.StatusCode, 204);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await readLines(file), []);
  });

  await t.test("LogType Tail returns the invocation's log, AWS-formatted", async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: "echo", LogType: "Tail", Payload: json({ x: 1 }) }),
    );
    const id = out.$metadata.requestId ?? "";
    const log = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
    const lines = log.trimEnd().split("\n");
    assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`);
    assert.match(
      lines[1] ?? "",
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\techo event {"x":1}$`),
    );
    assert.equal(lines[2], `END RequestId: ${id}`);
    assert.match(
      lines[3] ?? "",
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\t`,
      ),
    );
    assert.ok(
      logs.some((line) => line.startsWith("echo: START RequestId: ")),
      "onLog sees the lines too",
    );
  });

  await t.test("ClientContext reaches the handler as context.clientContext", async () => {
    const clientContext = { client: { installation_id: "abc" }, custom: { tenant: "t1" } };
    const ClientContext = Buffer.from(JSON.stringify(clientContext)).toString("base64");
    const out = await client.send(new InvokeCommand({ FunctionName: "echo", ClientContext }));
    assert.deepEqual((parse(out.Payload) as Record<string, unknown>).clientContext, clientContext);
  });
});

test("a full queue answers 429 TooManyRequestsException", async (t) => {
  const { lambda } = await startHarness(t, {
    functions: { slow: { handler: "./echo.mjs#slow" } },
    maxQueued: 1,
  });
  const running = lambda.invoke("slow", json({ ms: 300 }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const queued = lambda.invoke("slow", json({ ms: 1 }));
  await assert.rejects(lambda.invoke("slow", json({ ms: 1 })), (err: LambdaServiceError) => {
    assert.ok(err instanceof LambdaServiceError);
    assert.equal(err.status, 429);
    assert.equal(err.awsType, "TooManyRequestsException");
    return true;
  });
  assert.equal((await running).statusCode, 200);
  assert.equal((await queued).statusCode, 200);
});

test("bad function configs fail at creation", () => {
  for (const fn of [
    { handler: "./echo.mjs#" },
    { handler: "#handler" },
    { handler: "./echo.mjs", timeoutMs: 0 },
  ]) {
    assert.throws(() => createLocalLambda({ baseDir: ".", functions: { f: fn } }), LocalLambdaConfigError);
  }
  assert.throws(
    () => createLocalLambda({ baseDir: ".", functions: { "bad name": { handler: "./a.mjs" } } }),
    LocalLambdaConfigError,
  );
});
