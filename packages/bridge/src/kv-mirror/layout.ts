import type { AttributeValue, DeleteItemCommandInput, PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import { durationMs } from "../config/duration.ts";
import type { JunctionConfig } from "../config/schema.ts";
import { encodeValue } from "./encode.ts";

export type KvMirrorConfig = JunctionConfig["kv"][number];

/** One revision of a key, as the bucket's stream holds it. */
export interface MirrorEntry {
  readonly key: string;
  readonly revision: number;
  readonly operation: "PUT" | "DEL" | "PURGE";
  /** Empty for deletes and purges. */
  readonly value: Uint8Array;
  readonly time: Date;
}

/** Item attribute names (docs/kv-mirror.md, "Table layout"). */
export const Attr = {
  key: "key",
  pk: "pk",
  sk: "sk",
  value: "value",
  revision: "revision",
  operation: "operation",
  time: "time",
  expiresAt: "expiresAt",
  valueError: "valueError",
} as const;

export const LATEST_SK = "latest";
const DEFAULT_TOMBSTONE_TTL = "7d";

/** Hash key, then the range key in the history layout. Every key attribute is a string. */
export function tableKeys(config: KvMirrorConfig): readonly string[] {
  return config.history ? [Attr.pk, Attr.sk] : [Attr.key];
}

/** `rev#` and the revision zero-padded to 20 digits, so items sort by revision. */
export function revisionSortKey(revision: number): string {
  return `rev#${String(revision).padStart(20, "0")}`;
}

export type MirrorWrite =
  | {
      readonly kind: "put";
      readonly input: PutItemCommandInput;
      /** The item carries the KV value (it may be refused; docs/kv-mirror.md, "Refused values"). */
      readonly hasValue: boolean;
    }
  | { readonly kind: "delete"; readonly input: DeleteItemCommandInput };

/**
 * The DynamoDB writes that mirror one entry, in order. Writes of the current state are conditioned on
 * the stored revision, so an older revision never overwrites a newer one; history items are written
 * as they are (each revision has its own item, and rewriting it writes the same thing).
 */
export function writesFor(entry: MirrorEntry, config: KvMirrorConfig): MirrorWrite[] {
  const table = config.table;
  const attrs = itemAttributes(entry);
  if (!config.history) return [currentWrite(table, { [Attr.key]: { S: entry.key } }, attrs, entry, config)];
  const pk = { S: entry.key };
  return [
    {
      kind: "put",
      input: {
        TableName: table,
        Item: { [Attr.pk]: pk, [Attr.sk]: { S: revisionSortKey(entry.revision) }, ...attrs },
      },
      hasValue: entry.operation === "PUT",
    },
    currentWrite(table, { [Attr.pk]: pk, [Attr.sk]: { S: LATEST_SK } }, attrs, entry, config),
  ];
}

/** The same put without the value, saying why DynamoDB refused it. */
export function refusedWrite(write: MirrorWrite & { kind: "put" }, reason: string): MirrorWrite {
  const { [Attr.value]: _, ...item } = write.input.Item ?? {};
  return {
    kind: "put",
    input: { ...write.input, Item: { ...item, [Attr.valueError]: { S: reason } } },
    hasValue: false,
  };
}

function itemAttributes(entry: MirrorEntry): Record<string, AttributeValue> {
  const attrs: Record<string, AttributeValue> = {
    [Attr.revision]: { N: String(entry.revision) },
    [Attr.operation]: { S: entry.operation },
    [Attr.time]: { S: entry.time.toISOString() },
  };
  if (entry.operation === "PUT") attrs[Attr.value] = encodeValue(entry.value);
  return attrs;
}

function currentWrite(
  table: string,
  key: Record<string, AttributeValue>,
  attrs: Record<string, AttributeValue>,
  entry: MirrorEntry,
  config: KvMirrorConfig,
): MirrorWrite {
  const condition = {
    ConditionExpression: "attribute_not_exists(#rev) OR #rev < :rev",
    ExpressionAttributeNames: { "#rev": Attr.revision },
    ExpressionAttributeValues: { ":rev": { N: String(entry.revision) } },
  };
  if (entry.operation === "PUT")
    return {
      kind: "put",
      input: { TableName: table, Item: { ...key, ...attrs }, ...condition },
      hasValue: true,
    };
  if (config.deletes === "delete")
    return { kind: "delete", input: { TableName: table, Key: key, ...condition } };
  // A tombstone expires from the entry's own time, so a replay writes the very same item. (History
  // items never expire: only the current state's tombstone does.)
  const ttlMs = durationMs(config.tombstoneTtl ?? DEFAULT_TOMBSTONE_TTL);
  const expiresAt = { N: String(Math.floor((entry.time.getTime() + ttlMs) / 1000)) };
  return {
    kind: "put",
    input: { TableName: table, Item: { ...key, ...attrs, [Attr.expiresAt]: expiresAt }, ...condition },
    hasValue: false,
  };
}
