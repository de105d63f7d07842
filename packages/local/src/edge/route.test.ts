import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AwsRequest } from "../aws/index.ts";
import { routeOf } from "./route.ts";

const FORM = "application/x-www-form-urlencoded; charset=utf-8";
const signed = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

function request(method: string, url: string, headers: Record<string, string> = {}, body = ""): AwsRequest {
  return { method, url, headers, body: Buffer.from(body) };
}

describe("edge routing", () => {
  it("routes JSON-protocol calls by X-Amz-Target, and names the service it does not serve", () => {
    const target = (t: string) => routeOf(request("POST", "/", { "x-amz-target": t }));
    assert.deepEqual(target("AmazonSQS.SendMessage"), { service: "sqs" });
    assert.deepEqual(target("DynamoDB_20120810.PutItem"), { service: "dynamodb" });
    assert.deepEqual(target("DynamoDBStreams_20120810.GetRecords"), { service: "dynamodbstreams" });
    assert.deepEqual(target("AWSEvents.PutEvents"), { service: "eventbridge" });
    assert.deepEqual(target("Kinesis_20131202.PutRecord"), {
      unserved: { service: "Kinesis_20131202", action: "PutRecord", query: false },
    });
  });

  it("routes the query protocol by the signing scope, then by the Action", () => {
    assert.deepEqual(
      routeOf(
        request("POST", "/", { "content-type": FORM, authorization: signed("sqs") }, "Action=CreateQueue"),
      ),
      { service: "sqs" },
    );
    // SNS shares the protocol and some action names' shapes: the scope says it is not SQS.
    assert.deepEqual(
      routeOf(request("POST", "/", { "content-type": FORM, authorization: signed("sns") }, "Action=Publish")),
      { unserved: { service: "sns", action: "Publish", query: true } },
    );
    assert.deepEqual(routeOf(request("GET", "/?Action=ListQueues")), { service: "sqs" });
    assert.deepEqual(
      routeOf(
        request(
          "GET",
          "/?Action=ListQueues&X-Amz-Credential=AKID%2F20261203%2Fus-east-1%2Fsqs%2Faws4_request",
        ),
      ),
      { service: "sqs" },
    );
    assert.deepEqual(
      routeOf(request("POST", "/000000000000/q", { "content-type": FORM }, "Action=SendMessage")),
      {
        service: "sqs",
      },
    );
    assert.deepEqual(routeOf(request("POST", "/", { "content-type": FORM }, "Action=GetCallerIdentity")), {
      unserved: { service: "unknown (unsigned request)", action: "GetCallerIdentity", query: true },
    });
  });

  it("routes Lambda by scope or REST path, and refuses what names no service", () => {
    assert.deepEqual(routeOf(request("POST", "/2015-03-31/functions/echo/invocations")), {
      service: "lambda",
    });
    assert.deepEqual(routeOf(request("GET", "/2015-03-31/functions", { authorization: signed("lambda") })), {
      service: "lambda",
    });
    // An S3 ListBuckets (GET / signed for s3) is not answered by another service.
    assert.deepEqual(routeOf(request("GET", "/", { authorization: signed("s3") })), {
      unserved: { service: "s3", action: "GET /", query: false },
    });
    assert.deepEqual(routeOf(request("GET", "/favicon.ico")), {
      unserved: { service: "unknown (unsigned request)", action: "GET /favicon.ico", query: false },
    });
  });
});
