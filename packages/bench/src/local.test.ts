import assert from "node:assert/strict";
import { test } from "node:test";
import { benchLocal } from "./local.ts";

test("bench local: each operation through the edge and against the emulators alone, in one run", async () => {
  const results = await benchLocal({ messages: 200, pairs: 1, concurrency: 4 });
  assert.deepEqual(
    results.map((r) => r.operation),
    [
      "SQS SendMessageBatch (messages)",
      "SQS ReceiveMessage + DeleteMessageBatch (messages)",
      "DynamoDB PutItem",
      "DynamoDB Query (10 items each)",
    ],
  );
  for (const r of results) {
    assert.ok(r.junction > 0 && r.baseline > 0, JSON.stringify(r));
    assert.equal(r.ratio, r.junction / r.baseline);
    assert.equal(r.unit, "ops/s");
  }
});
