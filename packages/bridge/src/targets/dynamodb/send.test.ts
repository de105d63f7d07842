import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  GetItemCommand,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { DeliveryErrorCode, type DeliveryOutcome } from "../delivery.ts";
import { createSender } from "../index.ts";
import { type LocalTargets, mapper, startLocalTargets } from "../testdata/local.ts";
import { fixture } from "./testdata/conformance.ts";

const map = mapper(`
  - name: update
    from: { subject: "u.{t}.{id}" }
    to: [{ type: dynamodb, table: "{t}", key: { id: "{id}" }, set: { status: "{$json.status}" }, condition: "attribute_exists(id)" }]
  - name: create
    from: { subject: "c.{t}.{id}" }
    to: [{ type: dynamodb, table: "{t}", key: { id: "{id}" }, item: { v: "{$json.v}" }, condition: "attribute_not_exists(id)" }]
  - name: put
    from: { subject: "p.{t}.{id}" }
    to: [{ type: dynamodb, table: "{t}", key: { id: "{id}" }, item: { v: "{$json.v}" } }]
`);

const codes = (outcomes: DeliveryOutcome[]) => outcomes.map((o) => (o.ok ? "ok" : o.error.code));

describe("DynamoDB sender (local edge endpoint)", () => {
  let local: LocalTargets;
  before(async () => {
    local = await startLocalTargets();
    // Tables keyed by a string `id`, as the conformance fixture makes them.
    for (const table of ["Things", "Many", "Flaky"]) await fixture.create(local, table);
  });
  after(() => local.close());

  const get = async (table: string, id: string) =>
    (await local.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } })))
      .Item;

  it("updates and puts with conditions: a failed condition is ConditionFailed, not retryable", async () => {
    const sender = createSender("dynamodb", local.clients);
    const outcomes = await sender.send([
      map("u.Things.ghost", { status: "DONE" }),
      map("c.Things.one", { v: "first" }),
      map("c.Things.one", { v: "second" }),
      map("u.Things.one", { status: "DONE" }),
    ]);
    assert.deepEqual(codes(outcomes), [
      DeliveryErrorCode.ConditionFailed,
      "ok",
      DeliveryErrorCode.ConditionFailed,
      "ok",
    ]);
    const failed = outcomes[0];
    assert.ok(failed !== undefined && !failed.ok);
    assert.equal(failed.error.retryable, false);
    assert.equal(failed.error.awsCode, "ConditionalCheckFailedException");
    assert.deepEqual(await get("Things", "one"), {
      id: { S: "one" },
      v: { S: "first" },
      status: { S: "DONE" },
    });
    assert.equal(await get("Things", "ghost"), undefined);
  });

  it("writes 30 plain puts with 2 BatchWriteItem calls; a key repeated in one send keeps its order", async () => {
    const sender = createSender("dynamodb", local.clients);
    const requests = Array.from({ length: 30 }, (_, n) => map(`p.Many.k${n}`, { v: `v${n}` }));
    requests.push(map("p.Many.k7", { v: "later" }));
    const before = local.count("BatchWriteItemCommand");
    const described = local.count("DescribeTableCommand");
    const outcomes = await sender.send(requests);
    assert.deepEqual(
      codes(outcomes),
      requests.map(() => "ok"),
    );
    assert.equal(local.count("BatchWriteItemCommand") - before, 2);
    assert.equal(local.count("DescribeTableCommand") - described, 1, "the key schema, once");
    const { Items = [] } = await local.clients.dynamodb.send(new ScanCommand({ TableName: "Many" }));
    assert.equal(Items.length, 30);
    assert.deepEqual(await get("Many", "k7"), { id: { S: "k7" }, v: { S: "later" } });
  });

  it("reports UnprocessedItems as Throttled (retryable), leaving the retry to the runtime", async () => {
    const sender = createSender("dynamodb", local.clients);
    // Takes the last item out of each BatchWriteItem and hands it back as unprocessed, as AWS does
    // when a table is over its throughput; `times` calls are affected.
    let times = 1;
    local.clients.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as BatchWriteItemCommandInput;
        const writes = input.RequestItems?.Flaky;
        if (times === 0 || writes === undefined || writes.length === 0) return next(args);
        times--;
        const held = writes.pop() as WriteRequest;
        const result = writes.length > 0 ? await next(args) : { output: { $metadata: {} }, response: {} };
        (result.output as BatchWriteItemCommandOutput).UnprocessedItems = { Flaky: [held] };
        return result;
      },
      { step: "initialize", name: "unprocessed" },
    );
    try {
      const before = local.count("BatchWriteItemCommand");
      const first = await sender.send([1, 2, 3].map((n) => map(`p.Flaky.a${n}`, { v: "x" })));
      assert.deepEqual(codes(first), ["ok", "ok", DeliveryErrorCode.Throttled]);
      assert.ok(first[2] !== undefined && !first[2].ok && first[2].error.retryable);
      assert.equal(local.count("BatchWriteItemCommand") - before, 1, "one call: no retry inside the target");
      assert.ok(await get("Flaky", "a2"));
      assert.equal(await get("Flaky", "a3"), undefined);

      // The runtime's retry sends the left item again.
      const again = await sender.send([map("p.Flaky.a3", { v: "x" })]);
      assert.deepEqual(codes(again), ["ok"]);
      assert.ok(await get("Flaky", "a3"));
    } finally {
      local.clients.dynamodb.middlewareStack.remove("unprocessed");
    }
  });

  it("rejects requests for a missing table with a clear message", async () => {
    const sender = createSender("dynamodb", local.clients);
    const outcomes = await sender.send([
      map("p.Nope.1", { v: 1 }),
      map("p.Nope.2", { v: 2 }),
      map("u.Nope.3", { status: "x" }),
    ]);
    for (const o of outcomes) {
      assert.ok(!o.ok);
      assert.equal(o.error.code, DeliveryErrorCode.Rejected);
      assert.equal(o.error.message, 'table "Nope" does not exist');
    }
  });

  it("isolates the item that made AWS refuse a whole BatchWriteItem", async () => {
    const sender = createSender("dynamodb", local.clients);
    const big = map("p.Many.big", { v: "x".repeat(500 * 1024) });
    const outcomes = await sender.send([map("p.Many.s1", { v: 1 }), big, map("p.Many.s2", { v: 2 })]);
    assert.deepEqual(codes(outcomes), ["ok", DeliveryErrorCode.Rejected, "ok"]);
    assert.ok(await get("Many", "s2"));
  });
});
