import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { JunctionConfig } from "../config/schema.ts";
import { KvMirrorError, KvMirrorErrorCode } from "../kv-mirror/errors.ts";
import { Attr, tableKeys } from "../kv-mirror/layout.ts";
import type { ProvisionAction } from "./apply.ts";
import type { TablePlan } from "./plan.ts";

/** The tables of `kv:` mirrors: the layout's string keys, a stream for `both`, TTL for tombstones. */
export function kvTablePlans(config: JunctionConfig): TablePlan[] {
  return config.kv.map((kv) => ({
    name: kv.table,
    keys: tableKeys(kv).map((name) => ({ name, type: "S" as const })),
    ...(kv.direction === "both" ? { stream: "NEW_AND_OLD_IMAGES" as const } : {}),
    ...(kv.deletes === "tombstone" ? { ttlAttribute: Attr.expiresAt } : {}),
  }));
}

type Outcome = Omit<ProvisionAction, "kind" | "name">;

/**
 * After the table exists: enables its stream and TTL when the plan asks for them. An endpoint without
 * TTL (dynalite) is noted, not an error: tombstones then stay until removed.
 */
export async function ensureTableFeatures(
  dynamodb: DynamoDBClient,
  table: TablePlan,
  done: Outcome,
): Promise<Outcome> {
  const notes = done.detail === undefined ? [] : [done.detail];
  let changed = false;
  if (table.stream !== undefined) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    const spec = Table?.StreamSpecification;
    if (spec?.StreamEnabled === true && spec.StreamViewType !== table.stream)
      throw new KvMirrorError(
        KvMirrorErrorCode.Stream,
        `its stream has view type ${spec.StreamViewType}; direction both needs ${table.stream} (disable the stream, then provision again)`,
      );
    if (spec?.StreamEnabled !== true) {
      await dynamodb.send(
        new UpdateTableCommand({
          TableName: table.name,
          StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream },
        }),
      );
      await waitUntilTableExists(
        { client: dynamodb, maxWaitTime: 120, minDelay: 1 },
        { TableName: table.name },
      );
      changed = true;
    }
    notes.push(`stream ${table.stream}`);
  }
  if (table.ttlAttribute !== undefined) {
    try {
      const { TimeToLiveDescription: ttl } = await dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: table.name }),
      );
      const on = ttl?.TimeToLiveStatus === "ENABLED" || ttl?.TimeToLiveStatus === "ENABLING";
      if (!on || ttl?.AttributeName !== table.ttlAttribute) {
        await dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: table.name,
            TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
          }),
        );
        changed = true;
      }
      notes.push(`TTL on ${table.ttlAttribute}`);
    } catch (err) {
      if ((err as { name?: string }).name !== "UnknownOperationException") throw err;
      notes.push("this endpoint has no TTL: tombstones stay until removed");
    }
  }
  const outcome = changed && done.outcome === "unchanged" ? "updated" : done.outcome;
  return { outcome, ...(notes.length === 0 ? {} : { detail: notes.join("; ") }) };
}
