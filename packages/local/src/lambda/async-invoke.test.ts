// `InvocationType: Event` as AWS runs it, through the edge and the stock SDK clients: retries after
// about 1 and 2 minutes (run 200 times faster here), MaximumRetryAttempts and MaximumEventAgeInSeconds
// from the event invoke config, and the invocation record sent to the OnSuccess / OnFailure queue.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "../stack/local-aws.ts";
import type { InvocationRecord } from "./async-invocations.ts";
import { json, testdataDir } from "./testdata/harness.ts";

/** 60 s of AWS's time is 300 ms here. */
const SCALE = 0.005;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let aws: LocalAws;
let lambda: LambdaClient;
let sqs: SQSClient;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "junction-lambda-async-"));
  aws = await startLocalAws({
    port: 0,
    baseDir: testdataDir,
    functions: {
      stamped: { handler: "./events.mjs#stamped" },
      record: { handler: "./events.mjs#record" },
    },
    lambdaAsyncTimeScale: SCALE,
  });
  lambda = new LambdaClient({ endpoint: aws.url, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: aws.url, region: "us-east-1", credentials });
  for (const name of ["failures", "successes", "dead-letters"])
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
});
after(async () => {
  lambda.destroy();
  sqs.destroy();
  await aws.close();
  await rm(dir, { recursive: true, force: true });
});

/** The next invocation record on `queue`, waiting up to 10 s. */
async function nextRecord(queue: string): Promise<InvocationRecord> {
  const QueueUrl = `${aws.url}/000000000000/${queue}`;
  for (let i = 0; i < 5; i++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    const message = Messages?.[0];
    if (message !== undefined) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      return JSON.parse(message.Body as string);
    }
  }
  assert.fail(`no invocation record on ${queue}`);
}

async function stamps(file: string): Promise<number[]> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).map(Number);
}

const invokeEvent = (FunctionName: string, event: unknown) =>
  lambda.send(new InvokeCommand({ FunctionName, InvocationType: "Event", Payload: json(event) }));

describe("local Lambda: asynchronous invocations", () => {
  it("retries a failure after about 1 and then 2 minutes, then sends the record OnFailure", async () => {
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "stamped",
        DestinationConfig: { OnFailure: { Destination: queueArn("failures") } },
      }),
    );
    assert.equal(put.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:stamped:$LATEST");
    assert.equal(put.DestinationConfig?.OnFailure?.Destination, queueArn("failures"));
    assert.equal(put.MaximumRetryAttempts, undefined);

    const file = join(dir, "three.txt");
    const accepted = await invokeEvent("stamped", { file });
    assert.equal(accepted.StatusCode, 202);
    const record = await nextRecord("failures");
    const times = await stamps(file);
    assert.equal(times.length, 3, "three attempts in all");
    const [first, second, third] = times as [number, number, number];
    // Timers never fire early; the bounds are AWS's delays, scaled, less 10 ms of clock rounding.
    assert.ok(second - first >= 60_000 * SCALE - 10, `first retry after ${second - first} ms`);
    assert.ok(third - second >= 120_000 * SCALE - 10, `second retry after ${third - second} ms`);

    assert.equal(record.version, "1.0");
    assert.equal(record.requestContext.requestId, accepted.$metadata.requestId);
    assert.equal(record.requestContext.functionArn, put.FunctionArn);
    assert.equal(record.requestContext.condition, "RetriesExhausted");
    assert.equal(record.requestContext.approximateInvokeCount, 3);
    assert.deepEqual(record.requestPayload, { file });
    assert.deepEqual(record.responseContext, {
      statusCode: 200,
      executedVersion: "$LATEST",
      functionError: "Unhandled",
    });
    assert.deepEqual(
      {
        ...(record.responsePayload as { errorType: string; errorMessage: string; trace?: unknown }),
        trace: [],
      },
      { errorType: "Error", errorMessage: "stamped failure", trace: [] },
    );
  });

  it("tries once with MaximumRetryAttempts 0 (Update keeps the destination)", async () => {
    const updated = await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: "stamped", MaximumRetryAttempts: 0 }),
    );
    assert.equal(updated.MaximumRetryAttempts, 0);
    assert.equal(updated.DestinationConfig?.OnFailure?.Destination, queueArn("failures"));
    const file = join(dir, "once.txt");
    await invokeEvent("stamped", { file });
    const record = await nextRecord("failures");
    assert.equal(record.requestContext.condition, "RetriesExhausted");
    assert.equal(record.requestContext.approximateInvokeCount, 1);
    assert.equal((await stamps(file)).length, 1);
  });

  it("gives up when the next retry would come after MaximumEventAgeInSeconds", async () => {
    // 90 s: the first retry (at 60 s) runs, the second (at 180 s) would be too late.
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "stamped",
        MaximumEventAgeInSeconds: 90,
        DestinationConfig: { OnFailure: { Destination: queueArn("failures") } },
      }),
    );
    const file = join(dir, "aged.txt");
    const started = Date.now();
    await invokeEvent("stamped", { file });
    const record = await nextRecord("failures");
    assert.equal(record.requestContext.condition, "EventAgeExceeded");
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.equal((await stamps(file)).length, 2);
    assert.ok(Date.now() - started >= 90_000 * SCALE - 10);
  });

  it("sends a success to OnSuccess; Get and Delete the config", async () => {
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "record",
        DestinationConfig: { OnSuccess: { Destination: queueArn("successes") } },
      }),
    );
    const file = join(dir, "ok.txt");
    await invokeEvent("record", { file, line: "done" });
    const record = await nextRecord("successes");
    assert.equal(record.requestContext.condition, "Success");
    assert.equal(record.requestContext.approximateInvokeCount, 1);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST" });

    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "record" }));
    assert.equal(got.DestinationConfig?.OnSuccess?.Destination, queueArn("successes"));
    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: "record" }));
    await assert.rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "record" })), {
      name: "ResourceNotFoundException",
    });
  });

  it("sends a failed event to the function's dead-letter queue, with AWS's attributes", async () => {
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "stamped",
        DeadLetterConfig: { TargetArn: queueArn("dead-letters") },
      }),
    );
    assert.deepEqual(updated.DeadLetterConfig, { TargetArn: queueArn("dead-letters") });
    const got = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "stamped" }));
    assert.deepEqual(got.DeadLetterConfig, { TargetArn: queueArn("dead-letters") });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: "stamped", MaximumRetryAttempts: 0 }),
    );

    const file = join(dir, "dead.txt");
    const accepted = await invokeEvent("stamped", { file });
    const QueueUrl = `${aws.url}/000000000000/dead-letters`;
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ["All"] }),
    );
    const message = Messages?.[0];
    assert.ok(message !== undefined, "nothing reached the dead-letter queue");
    assert.deepEqual(JSON.parse(message.Body as string), { file });
    assert.deepEqual(message.MessageAttributes, {
      RequestID: { DataType: "String", StringValue: accepted.$metadata.requestId },
      ErrorCode: { DataType: "Number", StringValue: "200" },
      ErrorMessage: { DataType: "String", StringValue: "stamped failure" },
    });
    await assert.rejects(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "stamped", Timeout: 10 })),
      (err: Error) =>
        err.name === "InvalidParameterValueException" && /only DeadLetterConfig/.test(err.message),
    );
  });

  it("checks the config as AWS does", async () => {
    await assert.rejects(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: "record", MaximumRetryAttempts: 3 }),
      ),
      (err: Error) => err.name === "ValidationException" && /maximumRetryAttempts/.test(err.message),
    );
    await assert.rejects(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: "record", MaximumEventAgeInSeconds: 30 }),
      ),
      (err: Error) => err.name === "ValidationException" && /greater than or equal to 60/.test(err.message),
    );
    await assert.rejects(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: "record",
          DestinationConfig: { OnFailure: { Destination: "arn:aws:sns:us-east-1:000000000000:topic" } },
        }),
      ),
      { name: "InvalidParameterValueException" },
    );
    await assert.rejects(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: "missing", MaximumRetryAttempts: 1 }),
      ),
      { name: "ResourceNotFoundException" },
    );
  });
});
