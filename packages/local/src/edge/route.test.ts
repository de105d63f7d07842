import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { routeOf } from "./route.ts";

describe("edge routing", () => {
  it("routes JSON-protocol calls by X-Amz-Target", () => {
    assert.equal(routeOf("POST", "/", { "x-amz-target": "AmazonSQS.SendMessage" }), "sqs");
    assert.equal(routeOf("POST", "/", { "x-amz-target": "DynamoDB_20120810.PutItem" }), "dynamodb");
    assert.equal(routeOf("POST", "/", { "x-amz-target": "DynamoDBStreams_20120810.GetRecords" }), "dynamodb");
    assert.equal(routeOf("POST", "/", { "x-amz-target": "AWSEvents.PutEvents" }), "eventbridge");
    assert.equal(routeOf("POST", "/", { "x-amz-target": "Kinesis_20131202.PutRecord" }), undefined);
  });

  it("routes Lambda by path and the SQS query protocol by form posts and Action queries", () => {
    assert.equal(routeOf("POST", "/2015-03-31/functions/echo/invocations", {}), "lambda");
    assert.equal(routeOf("GET", "/2015-03-31/functions", {}), "lambda");
    assert.equal(
      routeOf("POST", "/000000000000/q", {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      }),
      "sqs",
    );
    assert.equal(routeOf("GET", "/?Action=ListQueues", {}), "sqs");
    assert.equal(routeOf("GET", "/favicon.ico", {}), undefined);
  });
});
