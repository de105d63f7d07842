import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { sleep } from "@junction/sdk/resilience";
import type { Logger } from "@junction/sdk/telemetry";
import { classifyError } from "../targets/classify.ts";
import { MirrorStopped, type RetryTiming, waitToRetry } from "./backoff.ts";
import type { CheckpointStore, StreamPosition } from "./checkpoint.ts";
import { KvMirrorError, KvMirrorErrorCode } from "./errors.ts";

export interface StreamReaderTiming {
  /** Wait after a GetRecords that returned nothing (DynamoDB Streams allows 5 calls/s per shard). */
  readonly pollMs: number;
  /** How often the stream's shards are listed again (shards close and split over time). */
  readonly discoveryMs: number;
  readonly checkpointMs: number;
}

export interface StreamReaderDeps {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly checkpoints: CheckpointStore;
  /** Applies one record; throws only `MirrorStopped`. */
  readonly apply: (record: StreamRecord) => Promise<void>;
  readonly logger: Logger;
  readonly timing: StreamReaderTiming;
  readonly retry: RetryTiming;
  readonly signal: AbortSignal;
}

interface ShardState {
  sequence?: string;
  done?: boolean;
}

/**
 * Reads a DynamoDB stream shard by shard and hands each record to `apply`, in order within a shard.
 * A shard is read once its parent is finished, so changes to one item are applied in order across
 * shard splits. Each shard's last applied sequence number is checkpointed (after the record was
 * applied), so a restart reads on from there; a shard never read starts at TRIM_HORIZON, so nothing
 * still in the stream (24 h) is missed. Resolves when the signal aborts and every shard reader is done.
 */
export async function runStreamReader(deps: StreamReaderDeps): Promise<void> {
  const { logger, signal } = deps;
  const saved = await deps.checkpoints.loadStream();
  const shards = new Map<string, ShardState>(
    saved?.streamArn === deps.streamArn ? Object.entries(saved.shards).map(([id, s]) => [id, { ...s }]) : [],
  );
  if (saved !== undefined && saved.streamArn !== deps.streamArn)
    logger.warn(
      { was: saved.streamArn, now: deps.streamArn },
      "kv mirror: the table has a new stream; reading it from its start",
    );
  let dirty = false;
  const running = new Map<string, Promise<void>>();
  let wake: (() => void) | undefined;

  const save = async () => {
    if (!dirty) return;
    dirty = false;
    const position: StreamPosition = { streamArn: deps.streamArn, shards: Object.fromEntries(shards) };
    await deps.checkpoints.saveStream(position).catch((err: unknown) => {
      dirty = true;
      logger.warn({ err: (err as Error).message }, "kv mirror: could not save the stream checkpoint");
    });
  };
  const saver = setInterval(() => void save(), deps.timing.checkpointMs);

  const readShard = async (id: string, state: ShardState) => {
    let iterator: string | undefined;
    for (let failures = 0; !signal.aborted; ) {
      try {
        iterator ??= await shardIterator(deps, id, state);
        const out: GetRecordsCommandOutput = await deps.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
        );
        failures = 0;
        for (const record of out.Records ?? []) {
          await deps.apply(record);
          const sequence = record.dynamodb?.SequenceNumber;
          if (sequence !== undefined) state.sequence = sequence;
          dirty = true;
        }
        if (out.NextShardIterator === undefined || out.NextShardIterator === null) {
          state.done = true; // closed and read to its end
          dirty = true;
          return;
        }
        iterator = out.NextShardIterator;
        if ((out.Records ?? []).length === 0) await sleep(deps.timing.pollMs, signal);
      } catch (err) {
        if (err instanceof MirrorStopped) return;
        const name = (err as { name?: string }).name;
        iterator = undefined;
        if (name === "ExpiredIteratorException") continue; // 15 minutes old: take a new one
        if (name === "TrimmedDataAccessException") {
          logger.error(
            { shard: id, after: state.sequence },
            "kv mirror: stream records were trimmed (older than 24 h) before they were read; changes made in DynamoDB then are lost",
          );
          delete state.sequence;
          continue;
        }
        failures++;
        if (failures === 1 || failures % 10 === 0)
          logger.warn(
            { shard: id, attempt: failures, err: classifyError(err, "DynamoDB Streams").message },
            "kv mirror: reading the table's stream failed; retrying",
          );
        await waitToRetry(deps.retry, failures, signal);
      }
    }
  };

  const discover = async () => {
    const listed = await describeShards(deps);
    const ids = new Set(listed.map((s) => s.ShardId));
    for (const shard of listed) {
      const id = shard.ShardId as string;
      const known = shards.get(id);
      if (known?.done || running.has(id)) continue;
      const parent = shard.ParentShardId;
      if (parent !== undefined && ids.has(parent) && shards.get(parent)?.done !== true) continue;
      const state = known ?? {};
      shards.set(id, state);
      const reading = readShard(id, state).finally(() => {
        running.delete(id);
        wake?.(); // a finished shard may let its children start
      });
      running.set(id, reading);
    }
    // Shards the stream no longer lists (trimmed) are forgotten.
    for (const [id, state] of shards)
      if (state.done && !ids.has(id)) {
        shards.delete(id);
        dirty = true;
      }
  };

  try {
    for (let failures = 0; !signal.aborted; ) {
      try {
        await discover();
        failures = 0;
      } catch (err) {
        failures++;
        logger.warn(
          { attempt: failures, err: classifyError(err, "DynamoDB Streams DescribeStream").message },
          "kv mirror: could not list the table's stream shards; retrying",
        );
      }
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const wait =
        failures > 0 ? waitToRetry(deps.retry, failures, signal) : sleep(deps.timing.discoveryMs, signal);
      await Promise.race([wait, woken]);
      wake = undefined;
    }
    await Promise.all(running.values());
  } finally {
    clearInterval(saver);
    await save();
  }
}

async function describeShards(deps: StreamReaderDeps): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await deps.streams.send(
      new DescribeStreamCommand({
        StreamArn: deps.streamArn,
        ...(start === undefined ? {} : { ExclusiveStartShardId: start }),
      }),
    );
    shards.push(...(StreamDescription?.Shards ?? []).filter((s) => s.ShardId !== undefined));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
}

async function shardIterator(deps: StreamReaderDeps, id: string, state: ShardState): Promise<string> {
  const { ShardIterator } = await deps.streams.send(
    new GetShardIteratorCommand({
      StreamArn: deps.streamArn,
      ShardId: id,
      ...(state.sequence === undefined
        ? { ShardIteratorType: "TRIM_HORIZON" }
        : { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: state.sequence }),
    }),
  );
  if (ShardIterator === undefined)
    throw new KvMirrorError(KvMirrorErrorCode.Stream, `GetShardIterator gave no iterator for shard ${id}`);
  return ShardIterator;
}
