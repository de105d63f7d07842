import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { entrySize } from "./events.ts";
import { awsError, FIFO_QUEUE, FUNCTION, type Harness, QUEUE, startHarness } from "./testdata/harness.ts";

let h: Harness;
let ids = 0;
before(async () => {
  h = await startHarness({
    now: () => new Date("2026-03-04T05:06:07.890Z"),
    newId: () => `id-${++ids}`,
  });
  const { client } = h;
  await client.send(new CreateEventBusCommand({ Name: "orders" }));
  await client.send(new CreateEventBusCommand({ Name: "audit" }));
  const rule = async (Name: string, EventBusName: string, pattern: object, targets: Target[]) => {
    await client.send(new PutRuleCommand({ Name, EventBusName, EventPattern: JSON.stringify(pattern) }));
    await client.send(new PutTargetsCommand({ Rule: Name, EventBusName, Targets: targets }));
  };
  await rule("shop-to-queue", "default", { source: ["shop"] }, [{ Id: "q", Arn: QUEUE }]);
  await rule("paid-to-fifo-and-fn", "default", { source: ["shop"], detail: { status: ["paid"] } }, [
    { Id: "fifo", Arn: FIFO_QUEUE, SqsParameters: { MessageGroupId: "payments" } },
    { Id: "fn", Arn: FUNCTION },
  ]);
  await rule("disabled", "default", { source: ["shop"] }, [{ Id: "q", Arn: `${QUEUE}-disabled` }]);
  await client.send(new DisableRuleCommand({ Name: "disabled" }));
  await rule("other-bus", "audit", { source: ["shop"] }, [{ Id: "q", Arn: `${QUEUE}-audit` }]);
  // default → orders (forward) → queue, and orders → audit (a second hop AWS does not make).
  await rule("forward", "default", { source: ["forwarded"] }, [
    { Id: "bus", Arn: "arn:aws:events:us-east-1:000000000000:event-bus/orders" },
  ]);
  await rule("orders-in", "orders", { source: ["forwarded"] }, [
    { Id: "q", Arn: `${QUEUE}-from-orders` },
    { Id: "onward", Arn: "arn:aws:events:us-east-1:000000000000:event-bus/audit" },
  ]);
});
after(() => h.close());
beforeEach(() => {
  h.sqs.length = 0;
  h.lambda.length = 0;
});

const put = (...Entries: PutEventsRequestEntry[]) => h.client.send(new PutEventsCommand({ Entries }));
const event = (detail: object, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: "shop",
  DetailType: "Order",
  Detail: JSON.stringify(detail),
  ...extra,
});

test("an event reaches the targets of every matching ENABLED rule of its bus, and only those", async () => {
  const answer = await put(event({ status: "new" }, { Resources: ["arn:aws:s3:::b"] }));
  assert.equal(answer.FailedEntryCount, 0);
  const id = answer.Entries?.[0]?.EventId as string;
  assert.match(id, /^id-\d+$/);
  await h.bridge.settled();
  // The EventBridge envelope, as AWS delivers it (keys in AWS's order, time to the second).
  const envelope =
    `{"version":"0","id":"${id}","detail-type":"Order","source":"shop","account":"000000000000",` +
    `"time":"2026-03-04T05:06:07Z","region":"us-east-1","resources":["arn:aws:s3:::b"],"detail":{"status":"new"}}`;
  assert.deepEqual(h.sqs, [{ queueArn: QUEUE, body: envelope }]);
  assert.deepEqual(h.lambda, []);
});

test("FIFO targets get their MessageGroupId; Lambda gets the event as payload; Time sets the event time", async () => {
  await put(event({ status: "paid" }, { Time: new Date("2025-12-31T23:59:58Z") }));
  await h.bridge.settled();
  const fifo = h.sqs.find((c) => c.queueArn === FIFO_QUEUE);
  assert.equal(fifo?.messageGroupId, "payments");
  assert.equal(h.sqs.find((c) => c.queueArn === QUEUE)?.messageGroupId, undefined);
  assert.equal(h.lambda.length, 1);
  const payload = JSON.parse(h.lambda[0]?.payload as string);
  assert.equal(payload.time, "2025-12-31T23:59:58Z");
  assert.deepEqual(payload.detail, { status: "paid" });
});

test("per-entry errors are answered in place and counted; good entries still go through", async () => {
  const answer = await put(
    event({ n: 1 }),
    { DetailType: "Order", Detail: "{}" },
    { Source: "shop", Detail: "{}" },
    { Source: "shop", DetailType: "Order" },
    event({}, { Detail: "[1,2]" }),
    event({}, { Detail: "{not json" }),
    event({}, { Detail: '"a string"' }),
    event({ n: 2 }),
  );
  assert.equal(answer.FailedEntryCount, 6);
  const required = (m: string) => ({
    ErrorCode: "InvalidArgument",
    ErrorMessage: `Parameter ${m} is not valid. Reason: ${m} is a required argument.`,
  });
  const malformed = { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
  const entries = answer.Entries ?? [];
  assert.deepEqual(entries.slice(1, 7), [
    required("Source"),
    required("DetailType"),
    required("Detail"),
    malformed,
    malformed,
    malformed,
  ]);
  assert.ok(entries[0]?.EventId !== undefined && entries[7]?.EventId !== undefined);
  await h.bridge.settled();
  assert.deepEqual(
    h.sqs.map((c) => JSON.parse(c.body).detail),
    [{ n: 1 }, { n: 2 }],
  );
});

test("more than 10 entries, or entries over 256 KB as AWS counts them, reject the whole request", async () => {
  const eleven = Array.from({ length: 11 }, (_, i) => event({ i }));
  const tooMany = await awsError(put(...eleven));
  assert.equal(tooMany.name, "ValidationException");
  assert.match(
    tooMany.message,
    /^1 validation error detected: Value '\[PutEventsRequestEntry\(time=null, source=shop, /,
  );
  assert.match(
    tooMany.message,
    /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
  );

  // Source (4) + DetailType (5) + Detail bytes; Time counts 14 (user guide, PutEvents entry size).
  const sized = (total: number) => {
    const detail = `{"pad":"${"é".repeat(Math.floor((total - 9 - 10) / 2))}${"x".repeat((total - 9 - 10) % 2)}"}`;
    return event({}, { Detail: detail });
  };
  assert.equal(entrySize(sized(256 * 1024) as Record<string, unknown>), 256 * 1024);
  assert.equal((await put(sized(256 * 1024))).FailedEntryCount, 0);
  assert.deepEqual(await awsError(put(sized(256 * 1024 + 1))), {
    name: "ValidationException",
    message: "Total size of the entries in the request is over the limit.",
  });
  assert.deepEqual(await awsError(put(sized(200 * 1024), sized(60 * 1024))), {
    name: "ValidationException",
    message: "Total size of the entries in the request is over the limit.",
  });
});

test("bus-to-bus: a forwarded event reaches the receiving bus's targets once, with one hop only", async () => {
  const answer = await put(event({ hop: 1 }, { Source: "forwarded" }));
  const id = answer.Entries?.[0]?.EventId;
  await h.bridge.settled();
  assert.deepEqual(
    h.sqs.map((c) => [c.queueArn, JSON.parse(c.body).id]),
    [[`${QUEUE}-from-orders`, id]],
  );
  const onward = h.bridge.deliveryFailures("arn:aws:events:us-east-1:000000000000:rule/orders/orders-in");
  assert.equal(onward.length, 1);
  assert.equal(onward[0]?.targetId, "onward");
  assert.match(
    onward[0]?.reason ?? "",
    /can't route events received from a sender event bus to a third event bus/,
  );
});

test("an event for a bus that does not exist gets an EventId (as on AWS) and is dropped, visibly", async () => {
  const answer = await put(event({}, { EventBusName: "no-such-bus" }));
  assert.equal(answer.FailedEntryCount, 0);
  assert.ok(answer.Entries?.[0]?.EventId);
  await h.bridge.settled();
  assert.deepEqual(h.sqs, []);
  const dropped = h.bridge.deliveryFailures().filter((f) => f.bus === "no-such-bus");
  assert.deepEqual(
    dropped.map((f) => [f.eventId, f.ruleArn, f.reason]),
    [[answer.Entries?.[0]?.EventId, undefined, "Event bus no-such-bus does not exist: event dropped"]],
  );
});

test("failed deliveries crash nothing, spare the other targets, and are kept per rule, bounded", async () => {
  const rule = "arn:aws:events:us-east-1:000000000000:rule/paid-to-fifo-and-fn";
  h.failing.add(FIFO_QUEUE);
  try {
    for (let i = 0; i < 105; i++) await h.bridge.putEvents([event({ status: "paid", i })]);
    await h.bridge.settled();
  } finally {
    h.failing.delete(FIFO_QUEUE);
  }
  assert.equal(h.lambda.length, 105);
  assert.equal(h.sqs.filter((c) => c.queueArn === QUEUE).length, 105);
  // Deliveries to one target keep the order the events were put in.
  assert.deepEqual(
    h.sqs.filter((c) => c.queueArn === FIFO_QUEUE).map((c) => JSON.parse(c.body).detail.i),
    Array.from({ length: 105 }, (_, i) => i),
  );
  const failures = h.bridge.deliveryFailures(rule);
  assert.equal(failures.length, 100);
  assert.deepEqual(
    [failures[0]?.targetId, failures[0]?.targetArn, failures[0]?.reason],
    ["fifo", FIFO_QUEUE, `queue ${FIFO_QUEUE} is unavailable`],
  );
  await put(event({ status: "paid" }));
  await h.bridge.settled();
  assert.equal(h.bridge.deliveryFailures(rule).length, 100);
  assert.equal(h.sqs.filter((c) => c.queueArn === FIFO_QUEUE).length, 106);
});

test("TestEventPattern: true, false, invalid pattern, and the envelope fields it requires", async () => {
  const ev = {
    id: "e1",
    account: "000000000000",
    source: "shop",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    "detail-type": "Order",
    detail: { status: "paid" },
  };
  const test = (pattern: object | string, e: object = ev) =>
    h.client.send(
      new TestEventPatternCommand({
        EventPattern: typeof pattern === "string" ? pattern : JSON.stringify(pattern),
        Event: JSON.stringify(e),
      }),
    );
  assert.equal((await test({ detail: { status: ["paid"] } })).Result, true);
  assert.equal((await test({ detail: { status: ["new"] } })).Result, false);
  // `resources` is not required (AWS accepts events without it).
  assert.equal((await test({ source: [{ prefix: "sh" }] }, { ...ev, resources: [] })).Result, true);
  const invalid = await awsError(test({ source: "shop" }));
  assert.equal(invalid.name, "InvalidEventPatternException");
  assert.match(invalid.message, /^Event pattern is not valid\. Reason: /);
  const { region: _region, ...noRegion } = ev;
  assert.deepEqual(await awsError(test({ source: ["shop"] }, noRegion)), {
    name: "ValidationException",
    message: "Parameter Event is not valid.",
  });
});
