import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { AwsRequestError, arn } from "../aws/index.ts";

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
export type Item = Record<string, unknown>;
export type KeySchema = readonly { readonly AttributeName: string; readonly KeyType: string }[];

/** One stream record, as GetRecords returns it. */
export interface StreamRecord {
  readonly eventID: string;
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  readonly eventVersion: "1.1";
  readonly eventSource: "aws:dynamodb";
  readonly awsRegion: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Item;
    readonly NewImage?: Item;
    readonly OldImage?: Item;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: StreamViewType;
  };
}

export interface Stream {
  readonly arn: string;
  readonly label: string;
  readonly table: string;
  readonly viewType: StreamViewType;
  readonly keySchema: KeySchema;
  readonly createdAt: number;
  /** One shard per stream: a table's changes stay in one order. */
  readonly shardId: string;
  enabled: boolean;
  readonly records: StreamRecord[];
  /** The sequence number before the first one this stream gave (where TRIM_HORIZON starts). */
  readonly start: bigint;
  last: bigint;
}

/** The settings a table's stream is kept by across restarts (records are in memory only). */
export type SavedStream = Pick<
  Stream,
  "arn" | "label" | "table" | "viewType" | "keySchema" | "createdAt" | "enabled"
>;

const RETENTION_MS = 24 * 3600_000;
const VIEW_TYPES = new Set<string>(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]);

/**
 * DynamoDB Streams kept by the edge for the tables dynalite serves (dynalite has none): each table's
 * latest stream and the ones it had before, their records for 24 hours. Sequence numbers grow with
 * the clock, so a stream kept across a restart goes on after the numbers it gave before.
 */
export class StreamStore {
  readonly #byArn = new Map<string, Stream>();
  readonly #latest = new Map<string, Stream>();

  constructor(
    saved: readonly SavedStream[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const s of saved)
      this.#add({ ...s, shardId: shardIdOf(s.createdAt), records: [], ...this.#numbers() });
  }

  static checkViewType(viewType: unknown): StreamViewType {
    if (typeof viewType !== "string" || !VIEW_TYPES.has(viewType))
      throw new AwsRequestError(
        "ValidationException",
        `1 validation error detected: Value '${String(viewType)}' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, KEYS_ONLY, OLD_IMAGE, NEW_AND_OLD_IMAGES]`,
      );
    return viewType as StreamViewType;
  }

  /** A new stream for `table` (the table's previous one, if any, stays readable until it ages out). */
  enable(table: string, viewType: StreamViewType, keySchema: KeySchema): Stream {
    const createdAt = Math.max(this.now(), (this.#latest.get(table)?.createdAt ?? 0) + 1);
    const label = new Date(createdAt).toISOString().replace("Z", "");
    const stream: Stream = {
      arn: arn("dynamodb", `table/${table}/stream/${label}`),
      label,
      table,
      viewType,
      keySchema,
      createdAt,
      shardId: shardIdOf(createdAt),
      enabled: true,
      records: [],
      ...this.#numbers(),
    };
    this.#add(stream);
    return stream;
  }

  disable(table: string): void {
    const stream = this.#latest.get(table);
    if (stream !== undefined) stream.enabled = false;
  }

  /** The table's latest stream (enabled or not), for DescribeTable. */
  latest(table: string): Stream | undefined {
    return this.#latest.get(table);
  }

  /** The table's enabled stream, the one its writes go to. */
  enabledFor(table: string): Stream | undefined {
    const stream = this.#latest.get(table);
    return stream?.enabled ? stream : undefined;
  }

  get(streamArn: unknown): Stream {
    const stream = typeof streamArn === "string" ? this.#byArn.get(streamArn) : undefined;
    if (stream === undefined)
      throw new AwsRequestError(
        "ResourceNotFoundException",
        `Requested resource not found: Stream: ${String(streamArn)} not found`,
      );
    return stream;
  }

  list(table?: string): Stream[] {
    return [...this.#byArn.values()].filter((s) => table === undefined || s.table === table);
  }

  /** One change to an item; nothing is recorded when the write changed nothing, as in DynamoDB. */
  record(stream: Stream, keys: Item, oldImage: Item | undefined, newImage: Item | undefined): void {
    if (oldImage === undefined && newImage === undefined) return;
    if (isDeepStrictEqual(oldImage, newImage)) return;
    const now = this.now();
    while (
      (stream.records[0]?.dynamodb.ApproximateCreationDateTime ?? Number.POSITIVE_INFINITY) * 1000 <
      now - RETENTION_MS
    )
      stream.records.shift();
    stream.last = next(stream.last, now);
    const withNew = stream.viewType === "NEW_IMAGE" || stream.viewType === "NEW_AND_OLD_IMAGES";
    const withOld = stream.viewType === "OLD_IMAGE" || stream.viewType === "NEW_AND_OLD_IMAGES";
    const images = {
      ...(withNew && newImage !== undefined ? { NewImage: newImage } : {}),
      ...(withOld && oldImage !== undefined ? { OldImage: oldImage } : {}),
    };
    stream.records.push({
      eventID: randomUUID().replaceAll("-", ""),
      eventName: oldImage === undefined ? "INSERT" : newImage === undefined ? "REMOVE" : "MODIFY",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: stream.arn.split(":")[3] as string,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: keys,
        ...images,
        SequenceNumber: sequenceText(stream.last),
        SizeBytes: Buffer.byteLength(JSON.stringify({ keys, ...images })),
        StreamViewType: stream.viewType,
      },
    });
  }

  saved(): SavedStream[] {
    return [...this.#byArn.values()].map(
      ({ arn, label, table, viewType, keySchema, createdAt, enabled }) => ({
        arn,
        label,
        table,
        viewType,
        keySchema,
        createdAt,
        enabled,
      }),
    );
  }

  #numbers(): { start: bigint; last: bigint } {
    const start = BigInt(this.now()) * 1_000_000n;
    return { start, last: start };
  }

  #add(stream: Stream): void {
    this.#byArn.set(stream.arn, stream);
    const latest = this.#latest.get(stream.table);
    if (latest === undefined || latest.createdAt <= stream.createdAt) this.#latest.set(stream.table, stream);
  }
}

/** The next sequence number: one more than the last, and never behind the clock. */
function next(last: bigint, now: number): bigint {
  const clock = BigInt(now) * 1_000_000n;
  return clock > last ? clock : last + 1n;
}

export function sequenceText(n: bigint): string {
  return n.toString().padStart(21, "0");
}

function shardIdOf(createdAt: number): string {
  return `shardId-${String(createdAt).padStart(20, "0")}-00000001`;
}
