import { type AttributeValue, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { callOptions, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode } from "../delivery.ts";

/** A missing table is remembered this long (one DescribeTable per burst); found key schemas for good. */
export const MISSING_TABLE_TTL_MS = 2000;

/**
 * Key attribute names per table, from DescribeTable. A PutItem's item does not say which of its
 * attributes form the key, and BatchWriteItem refuses two items with the same key in one call.
 */
export interface KeySchemas {
  /** The table's key attribute names; throws a `DeliveryError` (Rejected when the table does not exist). */
  get(table: string, signal?: AbortSignal): Promise<readonly string[]>;
}

type Entry =
  | { readonly names: Promise<readonly string[]> }
  | { readonly missing: DeliveryError; readonly until: number };

export function missingTable(table: string, cause?: unknown): DeliveryError {
  return new DeliveryError(DeliveryErrorCode.Rejected, `table "${table}" does not exist`, {
    cause,
    awsCode: "ResourceNotFoundException",
  });
}

export function createKeySchemas(
  client: DynamoDBClient,
  limit: Limiter,
  now: () => number = Date.now,
): KeySchemas {
  const entries = new Map<string, Entry>();
  return {
    get(table, signal) {
      const entry = entries.get(table);
      if (entry !== undefined) {
        if ("names" in entry) return entry.names;
        if (entry.until > now()) return Promise.reject(entry.missing);
      }
      const describe = async (): Promise<readonly string[]> => {
        try {
          const out = await limit(() =>
            client.send(new DescribeTableCommand({ TableName: table }), callOptions(signal)),
          );
          const names = (out.Table?.KeySchema ?? []).flatMap((k) =>
            k.AttributeName === undefined ? [] : [k.AttributeName],
          );
          if (names.length === 0)
            throw new DeliveryError(
              DeliveryErrorCode.Unavailable,
              `DescribeTable gave no key for "${table}"`,
            );
          return names;
        } catch (err) {
          const error = classifyError(err, `DynamoDB DescribeTable "${table}"`);
          if (isMissingResource(error)) {
            const missing = missingTable(table, err);
            entries.set(table, { missing, until: now() + MISSING_TABLE_TTL_MS });
            throw missing;
          }
          entries.delete(table);
          throw error;
        }
      };
      const names = describe();
      entries.set(table, { names });
      return names;
    },
  };
}

/** A stable text for an item's key (key attributes are S, N or B): equal keys give equal text. */
export function keyIdentity(
  table: string,
  names: readonly string[],
  item: Readonly<Record<string, AttributeValue>>,
): string {
  const text = (v: AttributeValue | undefined) =>
    v?.S !== undefined
      ? `S${v.S}`
      : v?.N !== undefined
        ? `N${v.N}`
        : v?.B !== undefined
          ? `B${Buffer.from(v.B).toString("base64")}`
          : "?";
  return JSON.stringify([table, ...[...names].sort().map((n) => [n, text(item[n])])]);
}
