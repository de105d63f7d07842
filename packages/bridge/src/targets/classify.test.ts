import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { createLimiter } from "./batching.ts";
import { classifyEntry, classifyError } from "./classify.ts";
import { DeliveryErrorCode as C, DeliveryError } from "./delivery.ts";

/** An error shaped as the SDK throws it for an AWS error response. */
function aws(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

describe("classifyError", () => {
  const cases: [string, unknown, string][] = [
    ["ConditionalCheckFailedException", aws("ConditionalCheckFailedException", 400), C.ConditionFailed],
    ["ThrottlingException", aws("ThrottlingException", 400), C.Throttled],
    [
      "ProvisionedThroughputExceededException",
      aws("ProvisionedThroughputExceededException", 400),
      C.Throttled,
    ],
    ["RequestLimitExceeded", aws("RequestLimitExceeded", 400), C.Throttled],
    ["TooManyRequestsException", aws("TooManyRequestsException", 429), C.Throttled],
    [
      "unknown name, $retryable.throttling",
      aws("Whatever", 400, { $retryable: { throttling: true } }),
      C.Throttled,
    ],
    ["unknown name, 429", aws("Whatever", 429), C.Throttled],
    ["InternalServerError", aws("InternalServerError", 500), C.Unavailable],
    ["unknown name, 503", aws("Whatever", 503), C.Unavailable],
    ["RequestEntityTooLargeException", aws("RequestEntityTooLargeException", 413), C.TooLarge],
    ["unknown name, 413", aws("Whatever", 413), C.TooLarge],
    ["ResourceNotFoundException", aws("ResourceNotFoundException", 404), C.Rejected],
    ["QueueDoesNotExist", aws("QueueDoesNotExist", 400), C.Rejected],
    ["ValidationException", aws("ValidationException", 400), C.Rejected],
    ["AccessDeniedException", aws("AccessDeniedException", 403), C.Rejected],
    [
      "ECONNREFUSED",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      C.Unavailable,
    ],
    [
      "ECONNRESET as a cause",
      new Error("socket hang up", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) }),
      C.Unavailable,
    ],
    [
      "AggregateError of ETIMEDOUT",
      Object.assign(new AggregateError([Object.assign(new Error("t"), { code: "ETIMEDOUT" })]), {}),
      C.Unavailable,
    ],
    ["TimeoutError", Object.assign(new Error("timed out"), { name: "TimeoutError" }), C.Unavailable],
    ["AbortError", Object.assign(new Error("aborted"), { name: "AbortError" }), C.Unavailable],
    ["not an AWS error", new TypeError("x"), C.Unavailable],
  ];
  for (const [label, err, code] of cases) {
    it(`${label} → ${code}`, () => {
      const e = classifyError(err, "ctx");
      assert.equal(e.code, code);
      assert.equal(e.retryable, code === C.Throttled || code === C.Unavailable);
      assert.equal(e.cause, err);
    });
  }

  it("decides by name and metadata, never by the message text; keeps the AWS error code", () => {
    const real = new ConditionalCheckFailedException({
      message: "throttling!",
      $metadata: { httpStatusCode: 400 },
    });
    assert.equal(classifyError(real, "ctx").code, C.ConditionFailed);
    assert.equal(classifyError(real, "ctx").awsCode, "ConditionalCheckFailedException");
    const busy = new TooManyRequestsException({
      message: "Rate Exceeded.",
      $metadata: { httpStatusCode: 429 },
    });
    assert.equal(classifyError(busy, "Lambda").code, C.Throttled);
    assert.match(
      classifyError(busy, "Lambda").message,
      /^Lambda: TooManyRequestsException: Rate Exceeded\.$/,
    );
    const passed = new DeliveryError(C.TooLarge, "too big");
    assert.equal(classifyError(passed, "ctx"), passed);
  });
});

describe("classifyEntry", () => {
  it("maps per-entry codes: SenderFault wins; throttling and internal failures are retryable", () => {
    assert.equal(classifyEntry("eb", "ThrottlingException", undefined).code, C.Throttled);
    assert.equal(classifyEntry("eb", "InternalFailure", "x").code, C.Unavailable);
    assert.equal(classifyEntry("eb", "MalformedDetail", "x").code, C.Rejected);
    assert.equal(classifyEntry("eb", "ValidationException", "x").code, C.Rejected);
    assert.equal(classifyEntry("sqs", "InvalidParameterValue", "x", true).code, C.Rejected);
    assert.equal(classifyEntry("sqs", "InternalError", "x", false).code, C.Unavailable);
    assert.equal(classifyEntry("sqs", "Weird", "x", false).code, C.Unavailable);
    assert.equal(classifyEntry("sqs", "RequestThrottled", "x", false).code, C.Throttled);
    assert.equal(classifyEntry("sqs", "InternalError", "x", false).awsCode, "InternalError");
  });
});

describe("createLimiter", () => {
  it("never runs more than its limit at once, and runs everything", async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, i % 3));
          active--;
          return i;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i),
    );
  });
});
