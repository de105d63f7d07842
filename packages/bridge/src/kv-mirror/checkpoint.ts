import type { JunctionClient } from "@junction/sdk";
import { KvConflictError } from "@junction/sdk/kv";

/** Junction's own bucket of mirror checkpoints (JetStream, so as durable as the bucket mirrored). */
export const CHECKPOINT_BUCKET = "JUNCTION_KV_MIRROR";

/** Where `direction: both` is in the table's stream: per shard, the last record applied. */
export interface StreamPosition {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, { readonly sequence?: string; readonly done?: boolean }>>;
}

export interface CheckpointStore {
  /** The last revision whose writes (and all before it) DynamoDB confirmed; undefined on a first run. */
  load(): Promise<number | undefined>;
  /** Saves `revision` unless a higher one is already saved (by another instance). */
  save(revision: number): Promise<void>;
  loadStream(): Promise<StreamPosition | undefined>;
  saveStream(position: StreamPosition): Promise<void>;
}

interface Saved {
  readonly revision?: number;
  readonly stream?: StreamPosition;
  readonly time: string;
}

/** Checkpoints of the mirror of `bucket` into `table`, in the bucket `JUNCTION_KV_MIRROR`. */
export async function openCheckpoints(
  client: JunctionClient,
  bucket: string,
  table: string,
): Promise<CheckpointStore> {
  const kv = await client.kv<Saved>(CHECKPOINT_BUCKET);
  // Table names may hold dots, which would make empty subject tokens: escape them (and the escape).
  const base = `${bucket}.${table.replaceAll("=", "=3D").replaceAll(".", "=2E")}`;
  const revisionKey = `${base}.revision`;
  const streamKey = `${base}.stream`;
  return {
    async load() {
      return (await kv.get(revisionKey))?.value.revision;
    },
    async save(revision) {
      // Compare-and-set, so two instances mirroring the same bucket never move it backwards.
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await kv.get(revisionKey);
        if ((current?.value.revision ?? 0) >= revision) return;
        const value = { revision, time: new Date().toISOString() };
        try {
          if (current === undefined) await kv.create(revisionKey, value);
          else await kv.update(revisionKey, value, current.revision);
          return;
        } catch (err) {
          if (!(err instanceof KvConflictError)) throw err;
        }
      }
    },
    async loadStream() {
      return (await kv.get(streamKey))?.value.stream;
    },
    async saveStream(stream) {
      await kv.put(streamKey, { stream, time: new Date().toISOString() });
    },
  };
}
