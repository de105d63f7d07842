import assert from "node:assert/strict";
import { test } from "node:test";
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
} from "@aws-sdk/client-lambda";
import { json, parse, startHarness } from "./testdata/harness.ts";

const ARN = "arn:aws:lambda:us-east-1:000000000000:function";

const functions = {
  echo: { handler: "./echo.mjs#handler", env: { GREETING: "hello" } },
  slow: { handler: "./echo.mjs#slow" },
};

test("the Lambda API around Invoke: names, request errors, discovery", async (t) => {
  const { client } = await startHarness(t, { functions });

  await t.test("function names: name, ARN, partial ARN, $LATEST qualifier", async () => {
    for (const [FunctionName, Qualifier, invoked] of [
      [`${ARN}:echo`, undefined, `${ARN}:echo`],
      ["000000000000:function:echo", undefined, `${ARN}:echo`],
      ["echo:$LATEST", undefined, `${ARN}:echo:$LATEST`],
      ["echo", "$LATEST", `${ARN}:echo:$LATEST`],
    ] as const) {
      const out = await client.send(new InvokeCommand({ FunctionName, Qualifier }));
      assert.equal((parse(out.Payload) as Record<string, unknown>).invokedFunctionArn, invoked, FunctionName);
    }
  });

  await t.test(
    "unknown functions, other qualifiers and other accounts are 404 ResourceNotFoundException",
    async () => {
      for (const [FunctionName, Qualifier, arn] of [
        ["nope", undefined, `${ARN}:nope`],
        ["echo", "1", `${ARN}:echo:1`],
        [
          "arn:aws:lambda:us-east-1:123456789012:function:echo",
          undefined,
          "arn:aws:lambda:us-east-1:123456789012:function:echo",
        ],
      ] as const) {
        await assert.rejects(
          client.send(new InvokeCommand({ FunctionName, Qualifier })),
          (err: Error & { $metadata: { httpStatusCode?: number } }) => {
            assert.equal(err.name, "ResourceNotFoundException");
            assert.equal(err.message, `Function not found: ${arn}`);
            assert.equal(err.$metadata.httpStatusCode, 404);
            return true;
          },
        );
      }
    },
  );

  await t.test("bad JSON is 400, oversized payloads 413", async () => {
    const bad = new TextEncoder().encode("{not json");
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: "echo", Payload: bad })),
      (err: Error) => {
        assert.equal(err.name, "InvalidRequestContentException");
        assert.match(
          err.message,
          /^Could not parse request body into json: Could not parse payload into json: /,
        );
        return true;
      },
    );
    const tooLarge = [
      [
        6 * 1024 * 1024,
        "RequestResponse",
        /^Request must be smaller than 6291456 bytes for the InvokeFunction operation$/,
      ],
      [
        1024 * 1024,
        "Event",
        /^\d+ byte payload is too large for the Event invocation type \(limit 1048576 bytes\)$/,
      ],
    ] as const;
    for (const [size, InvocationType, message] of tooLarge) {
      const Payload = json("x".repeat(size));
      await assert.rejects(
        client.send(new InvokeCommand({ FunctionName: "echo", InvocationType, Payload })),
        (err: Error & { $metadata: { httpStatusCode?: number } }) => {
          assert.equal(err.$metadata.httpStatusCode, 413);
          assert.equal(err.name, "RequestEntityTooLargeException");
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });

  await t.test("GetFunction, GetFunctionConfiguration and ListFunctions describe the functions", async () => {
    const { Configuration } = await client.send(new GetFunctionCommand({ FunctionName: "echo" }));
    assert.equal(Configuration?.FunctionArn, `${ARN}:echo`);
    assert.equal(Configuration?.Handler, "./echo.mjs#handler");
    assert.equal(Configuration?.Timeout, 3);
    assert.equal(Configuration?.State, "Active");
    assert.deepEqual(Configuration?.Environment?.Variables, { GREETING: "hello" });
    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: `${ARN}:slow` }));
    assert.equal(config.FunctionName, "slow");
    const list = await client.send(new ListFunctionsCommand({}));
    assert.deepEqual(
      list.Functions?.map((fn) => fn.FunctionName),
      Object.keys(functions),
    );
    await assert.rejects(client.send(new GetFunctionCommand({ FunctionName: "nope" })), {
      name: "ResourceNotFoundException",
    });
  });
});
