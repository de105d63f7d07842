import {
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { backoff, sleep } from "@junction/sdk/resilience";
import { classifyError } from "../targets/classify.ts";
import { KvMirrorError, KvMirrorErrorCode } from "./errors.ts";
import { type KvMirrorConfig, tableKeys } from "./layout.ts";

/** Tries of DescribeTable at start when AWS is throttling or unavailable. */
const DESCRIBE_TRIES = 5;

/**
 * Checks that the table exists with the layout's key schema (and, for `direction: both`, a stream
 * with old and new images) before anything is written: a wrong table would otherwise refuse every
 * write. Answers the stream's ARN for `both`.
 */
export async function checkTable(
  dynamodb: DynamoDBClient,
  config: KvMirrorConfig,
  signal?: AbortSignal,
): Promise<{ readonly streamArn?: string }> {
  const { table } = config;
  for (let attempt = 1; ; attempt++) {
    try {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
      const have = (Table?.KeySchema ?? []).map((k) => k.AttributeName).join(", ");
      const want = tableKeys(config).join(", ");
      if (have !== want)
        throw new KvMirrorError(
          KvMirrorErrorCode.Table,
          `table "${table}" has key (${have}); mirroring bucket "${config.bucket}"${config.history ? " with history: true" : ""} needs key (${want}) — see docs/kv-mirror.md`,
        );
      if (config.direction !== "both") return {};
      const spec = Table?.StreamSpecification;
      if (spec?.StreamEnabled !== true || Table?.LatestStreamArn === undefined)
        throw new KvMirrorError(
          KvMirrorErrorCode.Stream,
          `table "${table}" has no stream: direction both reads it (run junction provision, which enables it)`,
        );
      if (spec.StreamViewType !== "NEW_AND_OLD_IMAGES")
        throw new KvMirrorError(
          KvMirrorErrorCode.Stream,
          `table "${table}" streams ${spec.StreamViewType}: direction both needs NEW_AND_OLD_IMAGES`,
        );
      return { streamArn: Table.LatestStreamArn };
    } catch (err) {
      if (err instanceof KvMirrorError) throw err;
      if (err instanceof ResourceNotFoundException)
        throw new KvMirrorError(
          KvMirrorErrorCode.Table,
          `table "${table}" does not exist (run junction provision to create it)`,
          { cause: err },
        );
      const error = classifyError(err, `DynamoDB DescribeTable "${table}"`);
      if (!error.retryable || attempt >= DESCRIBE_TRIES)
        throw new KvMirrorError(KvMirrorErrorCode.Table, error.message, { cause: err });
      await sleep(backoff(attempt, { baseMs: 200 }), signal);
    }
  }
}
