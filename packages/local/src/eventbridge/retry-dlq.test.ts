import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { TargetDeliveryError } from "./errors.ts";
import { awsError, type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

const DLQ = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
const RULE = "arn:aws:events:us-east-1:000000000000:rule/orders";
let h: Harness;

before(async () => {
  h = await startHarness({ retryDelayMs: () => 1 });
  await h.client.send(
    new PutRuleCommand({ Name: "orders", EventPattern: JSON.stringify({ source: ["shop"] }) }),
  );
});
after(() => h.close());

const target = (
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number },
  dlq = DLQ,
) =>
  h.client.send(
    new PutTargetsCommand({
      Rule: "orders",
      Targets: [
        {
          Id: "q",
          Arn: QUEUE,
          DeadLetterConfig: { Arn: dlq },
          ...(RetryPolicy === undefined ? {} : { RetryPolicy }),
        },
      ],
    }),
  );

const put = async () => {
  h.sqs.length = 0;
  await h.client.send(
    new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "order", Detail: '{"id":"o1"}' }] }),
  );
  await h.bridge.settled();
  return {
    attempts: h.sqs.filter((c) => c.queueArn === QUEUE).length,
    dead: h.sqs.filter((c) => c.queueArn === DLQ),
  };
};

test("a retryable failure is retried as the target's RetryPolicy says, then dead-lettered with AWS's attributes", async () => {
  await target({ MaximumRetryAttempts: 2 });
  h.failing.set(QUEUE, () => new TargetDeliveryError("THROTTLING", "Rate exceeded", true));
  const { attempts, dead } = await put();
  assert.equal(attempts, 3, "the first attempt and two retries");
  assert.equal(dead.length, 1);
  assert.deepEqual(dead[0]?.attributes, {
    RULE_ARN: RULE,
    TARGET_ARN: QUEUE,
    ERROR_CODE: "THROTTLING",
    ERROR_MESSAGE: "Rate exceeded",
    RETRY_ATTEMPTS: "2",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
  });
  // The dead letter is the event itself.
  const event = JSON.parse(dead[0]?.body ?? "{}");
  assert.equal(event.source, "shop");
  assert.deepEqual(event.detail, { id: "o1" });
});

test("a target that does not exist goes to the dead-letter queue at once; a retry that succeeds does not", async () => {
  await target();
  h.failing.set(
    QUEUE,
    () => new TargetDeliveryError("NO_RESOURCE", "SQS SendMessage to orders: QueueDoesNotExist", false),
  );
  const gone = await put();
  assert.equal(gone.attempts, 1);
  assert.equal(gone.dead[0]?.attributes?.ERROR_CODE, "NO_RESOURCE");
  assert.equal(gone.dead[0]?.attributes?.RETRY_ATTEMPTS, "0");
  assert.equal(gone.dead[0]?.attributes?.EXHAUSTED_RETRY_CONDITION, undefined);

  let failures = 1;
  h.failing.set(QUEUE, () => {
    if (failures-- === 0) h.failing.delete(QUEUE);
    return new TargetDeliveryError("INTERNAL_ERROR", "try again", true);
  });
  const recovered = await put();
  assert.equal(recovered.attempts, 3);
  assert.equal(recovered.dead.length, 0);
});

test("RetryPolicy and DeadLetterConfig are checked as AWS checks them", async () => {
  const tooMany = await awsError(target({ MaximumRetryAttempts: 186 }));
  assert.equal(tooMany.name, "ValidationException");
  assert.match(
    tooMany.message,
    /maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185/,
  );
  const tooYoung = await awsError(target({ MaximumEventAgeInSeconds: 59 }));
  assert.match(tooYoung.message, /Member must have value greater than or equal to 60/);
  const notAQueue = await awsError(target(undefined, "arn:aws:lambda:us-east-1:000000000000:function:f"));
  assert.equal(notAQueue.name, "ValidationException");
});
