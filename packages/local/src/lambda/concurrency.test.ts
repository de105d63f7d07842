import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { eventually, json, startHarness } from "./testdata/harness.ts";

const functions = {
  slow: { handler: "./echo.mjs#slow" },
  record: { handler: "./events.mjs#record" },
};

test("reserved concurrency: AWS's throttle for invocations over it, events held at 0", async (t) => {
  const { client } = await startHarness(t, { functions });
  const dir = mkdtempSync(join(tmpdir(), "junction-lambda-concurrency-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  await t.test("Put, Get and Delete FunctionConcurrency", async () => {
    assert.equal(
      (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: "slow" })))
        .ReservedConcurrentExecutions,
      undefined,
    );
    const put = await client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "slow", ReservedConcurrentExecutions: 1 }),
    );
    assert.equal(put.ReservedConcurrentExecutions, 1);
    assert.equal(
      (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: "slow" })))
        .ReservedConcurrentExecutions,
      1,
    );
    await assert.rejects(
      client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "slow", ReservedConcurrentExecutions: 901 }),
      ),
      (err: Error) => err.name === "InvalidParameterValueException",
    );
    await assert.rejects(
      client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "nope", ReservedConcurrentExecutions: 1 }),
      ),
      (err: Error) => err.name === "ResourceNotFoundException",
    );
  });

  await t.test("an invocation over the reserved concurrency is TooManyRequestsException", async () => {
    const running = client.send(new InvokeCommand({ FunctionName: "slow", Payload: json({ ms: 300 }) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const throttled = await client
      .send(new InvokeCommand({ FunctionName: "slow", Payload: json({ ms: 1 }) }))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(throttled instanceof TooManyRequestsException, String(throttled));
    assert.equal(throttled.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
    assert.equal(throttled.$metadata.httpStatusCode, 429);
    assert.equal((await running).StatusCode, 200);
    // Once the first is done, there is room again.
    assert.equal(
      (await client.send(new InvokeCommand({ FunctionName: "slow", Payload: json({ ms: 1 }) }))).StatusCode,
      200,
    );
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "slow" }));
    assert.equal(
      (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: "slow" })))
        .ReservedConcurrentExecutions,
      undefined,
    );
  });

  await t.test("at 0 every call is throttled; events are accepted and run once it is raised", async () => {
    await client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "record", ReservedConcurrentExecutions: 0 }),
    );
    const file = join(dir, "held");
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: "record", Payload: json({ file, line: "sync" }) })),
      (err: Error) => err.name === "TooManyRequestsException",
    );
    const event = await client.send(
      new InvokeCommand({
        FunctionName: "record",
        InvocationType: "Event",
        Payload: json({ file, line: "event" }),
      }),
    );
    assert.equal(event.StatusCode, 202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.throws(() => readFileSync(file), /ENOENT/, "held while the reserved concurrency is 0");
    await client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "record", ReservedConcurrentExecutions: 2 }),
    );
    assert.equal(
      await eventually(async () => {
        try {
          return readFileSync(file, "utf8");
        } catch {
          return undefined;
        }
      }),
      "event\n",
    );
  });
});
