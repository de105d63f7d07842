import { setMaxListeners } from "node:events";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { type JunctionClient, rawCodec } from "@junction/sdk";
import type { KvBucket } from "@junction/sdk/kv";
import { createLanes } from "@junction/sdk/partitions";
import { type Logger, silentLogger } from "@junction/sdk/telemetry";
import type { Registry } from "prom-client";
import { streamsClientFor } from "./aws.ts";
import { MirrorStopped, type RetryTiming, waitToRetry } from "./backoff.ts";
import { type CheckpointStore, openCheckpoints } from "./checkpoint.ts";
import { KvMirrorError, KvMirrorErrorCode } from "./errors.ts";
import { type KvMirrorConfig, type MirrorEntry, writesFor } from "./layout.ts";
import { createKvMirrorMetrics } from "./metrics.ts";
import { createProgress, type Progress } from "./progress.ts";
import { type BucketChanges, readBucket } from "./source.ts";
import { applyRecord } from "./stream-apply.ts";
import { runStreamReader } from "./stream-reader.ts";
import { checkTable } from "./table.ts";
import { sendWrites, type WriterDeps } from "./writer.ts";

export interface KvMirrorTiming {
  /** How often the confirmed revision is saved as the checkpoint (and on stop). */
  readonly checkpointMs: number;
  /** How often the bucket's last revision is read for the lag metric. */
  readonly lagSampleMs: number;
  /** Retries of throttled or failed calls: first delay, doubling up to the maximum. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** `both`: wait after an empty GetRecords, and between listings of the stream's shards. */
  readonly streamPollMs: number;
  readonly shardDiscoveryMs: number;
  /** How long stop() waits for writes in flight before it leaves them to the next start. */
  readonly stopTimeoutMs: number;
}

const DEFAULT_TIMING: KvMirrorTiming = {
  checkpointMs: 1000,
  lagSampleMs: 5000,
  retryBaseMs: 200,
  retryMaxMs: 30_000,
  streamPollMs: 1000,
  shardDiscoveryMs: 10_000,
  stopTimeoutMs: 10_000,
};

export interface KvMirrorDeps {
  readonly client: JunctionClient;
  readonly dynamodb: DynamoDBClient;
  /** `direction: both`; default a client for the same endpoint, region and credentials as `dynamodb`. */
  readonly streams?: DynamoDBStreamsClient;
  readonly logger?: Logger;
  readonly registry?: Registry;
  readonly timing?: Partial<KvMirrorTiming>;
}

export interface KvMirrorStats {
  readonly bucket: string;
  readonly table: string;
  readonly running: boolean;
  /** Every revision up to here is in DynamoDB. */
  readonly checkpoint: number;
  /** The highest revision read from the bucket. */
  readonly received: number;
  readonly inflight: number;
}

export interface KvMirror {
  readonly bucket: string;
  readonly table: string;
  /** Checks the table and bucket, then mirrors in the background. Throws `KvMirrorError` if it cannot. */
  start(): Promise<void>;
  /** Stops reading, lets writes in flight finish (bounded), saves the checkpoint. */
  stop(): Promise<void>;
  ready(): boolean;
  stats(): KvMirrorStats;
}

/** Mirrors one `kv:` entry: the bucket into the table, and with `direction: both` the table's stream back. */
export function createKvMirror(config: KvMirrorConfig, deps: KvMirrorDeps): KvMirror {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const retry: RetryTiming = { baseMs: timing.retryBaseMs, maxMs: timing.retryMaxMs };
  const { bucket: bucketName, table } = config;
  const labels = { bucket: bucketName, table };
  const logger = (deps.logger ?? silentLogger).child({ kvMirror: bucketName, table });
  const metrics = createKvMirrorMetrics(deps.registry);
  const stopping = new AbortController();
  setMaxListeners(0, stopping.signal); // every write waiting to retry listens for stop()
  const lanes = createLanes();
  /** Default layout: the newest revision waiting per key; older ones need not be written. */
  const newest = new Map<string, number>();
  const writer: WriterDeps = {
    dynamodb: deps.dynamodb,
    logger,
    metrics,
    labels,
    retry,
    signal: stopping.signal,
  };
  let progress: Progress = createProgress(0);
  let checkpoints: CheckpointStore | undefined;
  let saved = 0;
  let lastRevision = 0;
  let inflight = 0;
  let slotWaiters: (() => void)[] = [];
  let changes: BucketChanges | undefined;
  const running: Promise<unknown>[] = [];
  let timers: ReturnType<typeof setInterval>[] = [];
  let started = false;
  let stopped: Promise<void> | undefined;

  const wakeSlots = () => {
    const waiters = slotWaiters;
    slotWaiters = [];
    for (const wake of waiters) wake();
  };
  const updateLag = () => {
    lastRevision = Math.max(lastRevision, progress.received);
    metrics.lag.set(labels, Math.max(0, lastRevision - progress.mark));
    metrics.checkpoint.set(labels, progress.mark);
  };
  const saveCheckpoint = async () => {
    const mark = progress.mark;
    if (checkpoints === undefined || mark <= saved) return;
    try {
      await checkpoints.save(mark);
      saved = mark;
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, revision: mark },
        "kv mirror: could not save the checkpoint",
      );
    }
  };

  const mirrorEntry = async (entry: MirrorEntry) => {
    if ((newest.get(entry.key) ?? 0) > entry.revision) {
      metrics.superseded.inc(labels);
      return;
    }
    await sendWrites(entry, writesFor(entry, config), writer);
  };

  const dispatch = async (entry: MirrorEntry) => {
    while (inflight >= config.concurrency && !stopping.signal.aborted)
      await new Promise<void>((resolve) => slotWaiters.push(resolve));
    if (stopping.signal.aborted) return;
    progress.begin(entry.revision);
    if (!config.history) newest.set(entry.key, entry.revision);
    inflight++;
    void lanes
      .run(entry.key, () => mirrorEntry(entry))
      .then(
        () => progress.finish(entry.revision),
        (err: unknown) => {
          // Not finished: the checkpoint stays before it, so a restart writes it again.
          if (!(err instanceof MirrorStopped))
            logger.error(
              { key: entry.key, revision: entry.revision, err: (err as Error).message },
              "kv mirror: entry failed",
            );
        },
      )
      .finally(() => {
        inflight--;
        if (newest.get(entry.key) === entry.revision) newest.delete(entry.key);
        wakeSlots();
      });
  };

  const drained = async () => {
    while (inflight > 0) await new Promise<void>((resolve) => slotWaiters.push(resolve));
  };

  /** Reads the bucket until stop(); when reading fails, waits for what is in flight and reads on. */
  const readLoop = async (kv: KvBucket<Uint8Array>) => {
    for (let failures = 0; !stopping.signal.aborted; ) {
      try {
        changes = await readBucket(deps.client.jetstream(), kv.name, progress.mark);
        for await (const entry of changes) {
          failures = 0;
          await dispatch(entry);
          if (stopping.signal.aborted) break;
        }
        if (stopping.signal.aborted) break;
        throw new KvMirrorError(KvMirrorErrorCode.Bucket, `reading bucket "${kv.name}" ended`);
      } catch (err) {
        if (stopping.signal.aborted) break;
        failures++;
        logger.warn(
          { attempt: failures, err: (err as Error).message },
          "kv mirror: reading the bucket failed; reading on",
        );
        await drained();
        await waitToRetry(retry, failures, stopping.signal);
        // Everything in flight has settled: read on after the confirmed revision (again from an entry
        // that failed, so it is tried once more).
        progress = createProgress(progress.mark);
      }
    }
    await drained();
  };

  const start = async () => {
    if (started) return;
    const { streamArn } = await checkTable(deps.dynamodb, config, stopping.signal);
    const jsm = await deps.client.jetstream().manager();
    const sampleLast = async () => {
      lastRevision = (await jsm.streams.info(`KV_${bucketName}`)).state.last_seq;
      return lastRevision;
    };
    let kv: KvBucket<Uint8Array>;
    let last: number;
    try {
      kv = await deps.client.kv(bucketName, { codec: rawCodec(), bindOnly: true });
      last = await sampleLast();
    } catch (err) {
      throw new KvMirrorError(
        KvMirrorErrorCode.Bucket,
        `cannot read KV bucket "${bucketName}" (run junction provision to create it): ${(err as Error).message}`,
        { cause: err },
      );
    }
    checkpoints = await openCheckpoints(deps.client, bucketName, table);
    let from = await checkpoints.load();
    if (from !== undefined && from > last) {
      logger.warn(
        { checkpoint: from, last },
        "kv mirror: checkpoint is past the bucket's last revision (bucket recreated?); mirroring it from the start",
      );
      from = undefined;
    }
    saved = from ?? 0;
    progress = createProgress(from ?? 0);
    updateLag();
    if (stopping.signal.aborted) return; // stop() came while starting
    running.push(readLoop(kv));
    timers = [
      setInterval(() => {
        updateLag();
        void saveCheckpoint();
      }, timing.checkpointMs),
      setInterval(() => {
        void sampleLast().then(updateLag, () => undefined);
      }, timing.lagSampleMs),
    ];
    if (streamArn !== undefined) running.push(startReverse(kv, checkpoints, streamArn));
    started = true;
    logger.info({ from: from ?? null, last }, "kv mirror started");
  };

  const startReverse = async (kv: KvBucket<Uint8Array>, store: CheckpointStore, streamArn: string) => {
    const streams = deps.streams ?? streamsClientFor(deps.dynamodb);
    try {
      await runStreamReader({
        streams,
        streamArn,
        checkpoints: store,
        logger,
        retry,
        signal: stopping.signal,
        timing: {
          pollMs: timing.streamPollMs,
          discoveryMs: timing.shardDiscoveryMs,
          checkpointMs: timing.checkpointMs,
        },
        apply: async (record) => {
          const result = await applyRecord(record, { bucket: kv, logger, retry, signal: stopping.signal });
          metrics.streamRecords.inc({ ...labels, result });
        },
      });
    } catch (err) {
      if (!stopping.signal.aborted)
        logger.error({ err: (err as Error).message }, "kv mirror: the DynamoDB → KV direction stopped");
    } finally {
      if (deps.streams === undefined) streams.destroy();
    }
  };

  const stop = () => {
    stopped ??= (async () => {
      started = false;
      stopping.abort();
      changes?.stop();
      wakeSlots();
      for (const timer of timers) clearInterval(timer);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timing.stopTimeoutMs);
      });
      const ok = await Promise.race([Promise.all(running).then(() => true), late]);
      clearTimeout(timer);
      if (!ok)
        logger.warn(
          { inflight },
          "kv mirror: stop left writes in flight; they are written again after a restart",
        );
      updateLag();
      await saveCheckpoint();
    })();
    return stopped;
  };

  return {
    bucket: bucketName,
    table,
    start,
    stop,
    ready: () => started,
    stats: () => ({
      bucket: bucketName,
      table,
      running: started,
      checkpoint: progress.mark,
      received: progress.received,
      inflight,
    }),
  };
}
