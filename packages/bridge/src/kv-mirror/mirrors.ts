import type { PartitionGroup } from "@junction/sdk/partitions";
import { type Logger, silentLogger } from "@junction/sdk/telemetry";
import type { KvMirrorConfig } from "./layout.ts";
import { createKvMirrorMetrics } from "./metrics.ts";
import { createKvMirror, type KvMirror, type KvMirrorDeps } from "./mirror.ts";

/** Every `kv:` entry's mirror, started and stopped together (what `junction run` / `up` run). */
export interface KvMirrors {
  /** The mirrors running in this process now (with an election, only those it won). */
  readonly mirrors: readonly KvMirror[];
  /** Starts them all; if one cannot start, stops the others and throws its `KvMirrorError`. */
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
}

/** Several bridge processes: each mirror runs on one elected process at a time. */
export interface MirrorElection {
  readonly memberId: string;
  readonly leaseMs: number;
  /** Replicas of the `JUNCTION_GROUPS` bucket when this call creates it. */
  readonly replicas: number;
}

/** Wait before an elected process that could not start a mirror lets another one try. */
const RETRY_AFTER_FAILURE_MS = 5000;

export function createKvMirrors(
  entries: readonly KvMirrorConfig[],
  deps: KvMirrorDeps,
  election?: MirrorElection,
): KvMirrors {
  if (election !== undefined) return electedMirrors(entries, deps, election);
  const mirrors = entries.map((entry) => createKvMirror(entry, deps));
  const stop = async () => {
    await Promise.all(mirrors.map((m) => m.stop()));
  };
  return {
    mirrors,
    async start() {
      const results = await Promise.allSettled(mirrors.map((m) => m.start()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed !== undefined) {
        await stop();
        throw failed.reason;
      }
    },
    stop,
    ready: () => mirrors.every((m) => m.ready()),
  };
}

/**
 * One election per mirror (a partition group without a stream, `kv-mirror-<bucket>`): the winner runs
 * the mirror, the others wait; when the winner stops, crashes or is fenced, another takes over after
 * the lease. Two writers at once could only happen within a fence window, and the mirror's writes are
 * conditioned on revisions, so even then nothing older overwrites anything newer.
 */
function electedMirrors(
  entries: readonly KvMirrorConfig[],
  deps: KvMirrorDeps,
  election: MirrorElection,
): KvMirrors {
  const logger: Logger = deps.logger ?? silentLogger;
  const metrics = createKvMirrorMetrics(deps.registry);
  const running = new Set<KvMirror>();
  const groups: PartitionGroup[] = [];
  let joined = false;

  const serveMirror = async (entry: KvMirrorConfig, signal: AbortSignal) => {
    const labels = { bucket: entry.bucket, table: entry.table, member: election.memberId };
    const log = logger.child({ kvMirror: entry.bucket });
    const mirror = createKvMirror(entry, deps);
    try {
      await mirror.start();
    } catch (err) {
      log.error(
        { err: (err as Error).message },
        "kv mirror: elected, but cannot start; letting another process try",
      );
      await mirror.stop();
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILURE_MS));
      return true;
    }
    running.add(mirror);
    metrics.owned.set(labels, 1);
    log.info({ member: election.memberId }, "kv mirror: this process is the writer");
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await mirror.stop();
    running.delete(mirror);
    metrics.owned.set(labels, 0);
    log.info({ reason: signal.reason }, "kv mirror: handed over");
    return true;
  };

  const stop = async () => {
    await Promise.all(groups.splice(0).map((g) => g.stop()));
    joined = false;
  };
  return {
    get mirrors() {
      return [...running];
    },
    async start() {
      try {
        for (const entry of entries) {
          groups.push(
            await deps.client.jetstream().partitionGroup(
              {
                group: `kv-mirror-${entry.bucket}`,
                partitions: 1,
                leaseMs: election.leaseMs,
                replicas: election.replicas,
                memberId: election.memberId,
                onEvent: (e) => {
                  if (e.type === "error")
                    logger.warn({ kvMirror: entry.bucket, err: e.error }, "kv mirror election");
                },
              },
              (lease) => serveMirror(entry, lease.signal),
            ),
          );
        }
      } catch (err) {
        await stop();
        throw err;
      }
      joined = true;
    },
    stop,
    ready: () => joined,
  };
}
