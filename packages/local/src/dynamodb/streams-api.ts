import type { ServerResponse } from "node:http";
import { type AwsRequest, AwsRequestError, type LocalService, sendAwsError, sendJson } from "../aws/index.ts";
import { type Stream, type StreamStore, sequenceText } from "./stream-store.ts";

const JSON_TYPE = "application/x-amz-json-1.0";
/** DynamoDB Streams: a shard iterator is good for 15 minutes. */
const ITERATOR_TTL_MS = 15 * 60_000;
const MAX_RECORDS = 1000;

interface Iterator {
  /** Stream ARN, shard id, the sequence number the next record comes after, when it was issued. */
  readonly s: string;
  readonly h: string;
  readonly a: string;
  readonly t: number;
}

type Input = Record<string, unknown>;

/**
 * The DynamoDB Streams API (`X-Amz-Target: DynamoDBStreams_20120810.*`) over the edge's stream
 * store: ListStreams, DescribeStream, GetShardIterator, GetRecords.
 */
export function createLocalDynamoDbStreams(store: StreamStore, now: () => number = Date.now): LocalService {
  const operations: Record<string, (input: Input) => unknown> = {
    ListStreams: (input) => ({
      Streams: store
        .list(typeof input.TableName === "string" ? input.TableName : undefined)
        .map((s) => ({ StreamArn: s.arn, TableName: s.table, StreamLabel: s.label })),
    }),
    DescribeStream: (input) => {
      const stream = store.get(input.StreamArn);
      const range = {
        StartingSequenceNumber: sequenceText(stream.start + 1n),
        ...(stream.enabled ? {} : { EndingSequenceNumber: sequenceText(stream.last) }),
      };
      return {
        StreamDescription: {
          StreamArn: stream.arn,
          StreamLabel: stream.label,
          StreamStatus: stream.enabled ? "ENABLED" : "DISABLED",
          StreamViewType: stream.viewType,
          CreationRequestDateTime: stream.createdAt / 1000,
          TableName: stream.table,
          KeySchema: stream.keySchema,
          Shards: [{ ShardId: stream.shardId, SequenceNumberRange: range }],
        },
      };
    },
    GetShardIterator: (input) => {
      const stream = store.get(input.StreamArn);
      shardOf(stream, input.ShardId);
      const sequence = () => {
        if (typeof input.SequenceNumber !== "string" || !/^\d{1,40}$/.test(input.SequenceNumber))
          throw new AwsRequestError(
            "ValidationException",
            "SequenceNumber is required for this ShardIteratorType",
          );
        return BigInt(input.SequenceNumber);
      };
      let after: bigint;
      switch (input.ShardIteratorType) {
        case "TRIM_HORIZON":
          after = stream.start;
          break;
        case "LATEST":
          after = stream.last;
          break;
        case "AT_SEQUENCE_NUMBER":
          after = sequence() - 1n;
          break;
        case "AFTER_SEQUENCE_NUMBER":
          after = sequence();
          break;
        default:
          throw new AwsRequestError(
            "ValidationException",
            `1 validation error detected: Value '${String(input.ShardIteratorType)}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]`,
          );
      }
      return { ShardIterator: encode({ s: stream.arn, h: stream.shardId, a: after.toString(), t: now() }) };
    },
    GetRecords: (input) => {
      const iterator = decode(input.ShardIterator);
      if (now() - iterator.t > ITERATOR_TTL_MS)
        throw new AwsRequestError(
          "ExpiredIteratorException",
          "Iterator expired. The iterator was created more than 15 minutes ago.",
        );
      const stream = store.get(iterator.s);
      const limit = typeof input.Limit === "number" ? input.Limit : MAX_RECORDS;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECORDS)
        throw new AwsRequestError(
          "ValidationException",
          `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_RECORDS}`,
        );
      const after = BigInt(iterator.a);
      const from = firstAfter(stream, after);
      const records = stream.records.slice(from, from + limit);
      const last = records.at(-1)?.dynamodb.SequenceNumber;
      const next = last === undefined ? after : BigInt(last);
      // A closed shard read to its end has no next iterator.
      const done = !stream.enabled && next >= stream.last;
      return {
        Records: records,
        ...(done ? {} : { NextShardIterator: encode({ ...iterator, a: next.toString(), t: now() }) }),
      };
    },
  };

  return {
    handle(req: AwsRequest, res: ServerResponse) {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.slice(target.indexOf(".") + 1);
      const run = operations[operation];
      if (run === undefined)
        return sendAwsError(
          res,
          400,
          "UnknownOperationException",
          `the local DynamoDB Streams does not serve ${operation}`,
          JSON_TYPE,
        );
      try {
        const input = req.body.length === 0 ? {} : (JSON.parse(req.body.toString("utf8")) as Input);
        sendJson(res, 200, run(input), JSON_TYPE);
      } catch (err) {
        if (err instanceof AwsRequestError)
          return sendAwsError(res, err.status, err.type, err.message, JSON_TYPE);
        if (err instanceof SyntaxError)
          return sendAwsError(
            res,
            400,
            "SerializationException",
            "the request body is not valid JSON",
            JSON_TYPE,
          );
        throw err;
      }
    },
  };
}

function shardOf(stream: Stream, shardId: unknown): void {
  if (shardId !== stream.shardId)
    throw new AwsRequestError(
      "ResourceNotFoundException",
      `Requested resource not found: Shard does not exist: ${String(shardId)}`,
    );
}

/** Index of the first record after `after` (records are in sequence order). */
function firstAfter(stream: Stream, after: bigint): number {
  let lo = 0;
  let hi = stream.records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BigInt((stream.records[mid] as Stream["records"][number]).dynamodb.SequenceNumber) > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function encode(iterator: Iterator): string {
  return Buffer.from(JSON.stringify(iterator)).toString("base64url");
}

function decode(text: unknown): Iterator {
  try {
    const iterator = JSON.parse(Buffer.from(String(text), "base64url").toString("utf8")) as Iterator;
    if (typeof iterator.s === "string" && typeof iterator.a === "string" && typeof iterator.t === "number")
      return iterator;
  } catch {
    // reported below
  }
  throw new AwsRequestError("ValidationException", "Invalid ShardIterator");
}
