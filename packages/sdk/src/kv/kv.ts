import { type KV, Kvm, type KvEntry as NatsKvEntry, type KvOptions as NatsKvOptions } from "@nats-io/kv";
import type { ClientContext } from "../client/context.ts";
import type { Codec } from "../codecs/index.ts";
import { directAccess, UNDECIDED } from "./direct.ts";
import { checkKey, KvArgumentError, toKvError } from "./errors.ts";

export interface KvBucketOptions<T> {
  /** Value codec; default the client's (JSON). */
  readonly codec?: Codec<T>;
  /** Revisions kept per key (default 1). */
  readonly history?: number;
  /** Values expire after this long (default never). */
  readonly ttlMs?: number;
  readonly maxBytes?: number;
  readonly replicas?: number;
  readonly storage?: "file" | "memory";
  /** Only open an existing bucket; default creates it if missing (and binds to it otherwise). */
  readonly bindOnly?: boolean;
  readonly timeoutMs?: number;
}

interface EntryBase {
  readonly key: string;
  readonly revision: number;
  readonly created: Date;
}
/** One revision of a key: a value, or the tombstone a delete / purge left. */
export type KvEntry<T> =
  | (EntryBase & { readonly operation: "PUT"; readonly value: T })
  | (EntryBase & { readonly operation: "DEL" | "PURGE"; readonly value: undefined });

export interface KvWatchOptions {
  /** A key or a pattern (`agent.*`, `agent.>`); default every key. One key only on nats-server < 2.10. */
  readonly key?: string;
  /** Start at this revision (inclusive), replaying every change since; default the latest value per key. */
  readonly fromRevision?: number;
  /** Skip deletes and purges. */
  readonly ignoreDeletes?: boolean;
}

/** Entries as they change, until `stop()` (or `break`). */
export interface KvWatcher<T> extends AsyncIterable<KvEntry<T>> {
  stop(): void;
}

/** A typed KV bucket. Every failure is a `JunctionError`; lost races are `KvConflictError`. */
export interface KvBucket<T> {
  readonly name: string;
  /** The nats.js bucket, for what this wrapper does not cover. */
  readonly raw: KV;
  /** The latest value and its revision; undefined if the key was never set or is deleted. */
  get(key: string): Promise<{ readonly value: T; readonly revision: number } | undefined>;
  /** Writes unconditionally; returns the new revision. */
  put(key: string, value: T): Promise<number>;
  /** Writes only if the key does not exist (or is deleted); else `KvConflictError` (expectedRevision 0). */
  create(key: string, value: T): Promise<number>;
  /** Compare-and-set: writes only if the key is still at `expectedRevision`; else `KvConflictError`. */
  update(key: string, value: T, expectedRevision: number): Promise<number>;
  delete(key: string, options?: { readonly expectedRevision?: number }): Promise<void>;
  watch(options?: KvWatchOptions): Promise<KvWatcher<T>>;
  /** Every revision still kept for the key, oldest first. */
  history(key: string): Promise<KvEntry<T>[]>;
  keys(filter?: string): Promise<string[]>;
}

/** nats.js's default for a JetStream API call. */
const DEFAULT_TIMEOUT_MS = 5000;

/** Opens (creating it if missing, unless `bindOnly`) a typed bucket. */
export async function openKv<T = unknown>(
  ctx: ClientContext,
  bucket: string,
  options: KvBucketOptions<T> = {},
): Promise<KvBucket<T>> {
  const codec = options.codec ?? (ctx.codec as Codec<T>);
  const kvm = new Kvm(ctx.nc);
  const config: Partial<NatsKvOptions> = {
    ...(options.history === undefined ? {} : { history: options.history }),
    ...(options.ttlMs === undefined ? {} : { ttl: options.ttlMs }),
    ...(options.maxBytes === undefined ? {} : { max_bytes: options.maxBytes }),
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  };
  let kv: KV;
  try {
    kv = options.bindOnly ? await kvm.open(bucket, config) : await kvm.create(bucket, config);
  } catch (err) {
    throw toKvError(err, bucket, "");
  }
  const entry = (e: NatsKvEntry): KvEntry<T> => {
    const base = { key: e.key, revision: e.revision, created: e.created };
    return e.operation === "PUT"
      ? { ...base, operation: "PUT", value: codec.decode(e.value) }
      : { ...base, operation: e.operation, value: undefined };
  };
  // Runs a nats.js call, mapping its failure; `expected` marks a CAS write, `pattern` a filter.
  const call = async <R>(
    key: string,
    fn: () => Promise<R>,
    expected?: number,
    pattern = false,
  ): Promise<R> => {
    checkKey(bucket, key, pattern);
    try {
      return await fn();
    } catch (err) {
      throw toKvError(err, bucket, key, expected);
    }
  };

  const direct = directAccess(ctx, kv, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  return {
    name: bucket,
    raw: kv,
    async get(key) {
      const found = direct === undefined ? UNDECIDED : await call(key, () => direct.get(key));
      if (found !== UNDECIDED) {
        return found === null ? undefined : { value: codec.decode(found.data), revision: found.revision };
      }
      const e = await call(key, () => kv.get(key));
      if (e === null || e.operation !== "PUT") return undefined;
      return { value: codec.decode(e.value), revision: e.revision };
    },
    async put(key, value) {
      const data = codec.encode(value);
      return call(key, () => kv.put(key, data));
    },
    async create(key, value) {
      const data = codec.encode(value);
      const revision = direct === undefined ? UNDECIDED : await call(key, () => direct.create(key, data), 0);
      return revision === UNDECIDED ? call(key, () => kv.create(key, data), 0) : revision;
    },
    async update(key, value, expectedRevision) {
      if (!Number.isInteger(expectedRevision) || expectedRevision < 1) {
        throw new KvArgumentError(`KV ${bucket}: expected revision must be ≥ 1`);
      }
      const data = codec.encode(value);
      return call(key, () => kv.update(key, data, expectedRevision), expectedRevision);
    },
    delete: (key, opts = {}) => {
      const rev = opts.expectedRevision;
      return call(key, () => kv.delete(key, rev === undefined ? {} : { previousSeq: rev }), rev);
    },
    async watch(opts = {}) {
      const key = opts.key ?? ">";
      const iter = await call(
        key,
        () =>
          kv.watch({
            key,
            ...(opts.fromRevision === undefined ? {} : { resumeFromRevision: opts.fromRevision }),
            ...(opts.ignoreDeletes ? { ignoreDeletes: true } : {}),
          }),
        undefined,
        true,
      );
      return {
        stop: () => iter.stop(),
        async *[Symbol.asyncIterator]() {
          try {
            for await (const e of iter) yield entry(e);
          } finally {
            iter.stop();
          }
        },
      };
    },
    async history(key) {
      const iter = await call(key, () => kv.history({ key }));
      const out: KvEntry<T>[] = [];
      for await (const e of iter) out.push(entry(e));
      return out;
    },
    async keys(filter = ">") {
      const iter = await call(filter, () => kv.keys(filter), undefined, true);
      const out: string[] = [];
      for await (const k of iter) out.push(k);
      return out;
    },
  };
}
