import { hostname } from "node:os";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { ClientContext, Stoppable } from "../../client/context.ts";
import type { Codec } from "../../codecs/index.ts";
import { jsonCodec } from "../../codecs/index.ts";
import { KvConflictError } from "../../kv/errors.ts";
import { type KvBucket, type KvEntry, type KvWatcher, openKv } from "../../kv/kv.ts";
import { sleep } from "../../resilience/sleep.ts";
import { settled } from "../pull.ts";
import { ensureConsumer } from "../streams.ts";
import type { StopReason } from "./consume.ts";
import {
  PartitionCountMismatchError,
  PartitionJoinError,
  PartitionOptionsError,
  PartitionStalledError,
} from "./errors.ts";
import { assignPartitions } from "./hash.ts";
import { partitionConsumer } from "./names.ts";

export interface PartitionGroupOptions {
  /**
   * The stream the partitions read. Without one the group is an election: `partitions: 1` and no
   * consumer, so `serve` runs on one member at a time (work that must run once in a fleet).
   */
  readonly stream?: string;
  /** The group's name: `[-\w]+`, the prefix of its consumers (`<group>-p<n>`) and of its KV keys. */
  readonly group: string;
  /** Partition count, the same for every member (checked); keys map to `fnv1a32(key) % partitions`. */
  readonly partitions: number;
  /** The stream subjects the group consumes (one filter: nats-server 2.9 takes one). */
  readonly filterSubject?: string;
  /** How long the server waits for an ack before redelivering (default 30 s); also bounds a takeover. */
  readonly ackWaitMs?: number;
  /** Messages in flight per partition (default 256). */
  readonly maxAckPending?: number;
  /** A member not heard from for this long is dead and loses its partitions (default 5 s). */
  readonly leaseMs?: number;
  /** KV bucket of membership and ownership (default `JUNCTION_GROUPS`). */
  readonly bucket?: string;
  /** Replicas of that bucket when this call creates it (default 1; give a cluster 3). */
  readonly replicas?: number;
  /** Default `<host>-<pid>-<random>`. */
  readonly memberId?: string;
  /** Hand-overs, fences, connection changes and failures, for logs and metrics (libraries never log). */
  readonly onEvent?: (event: PartitionGroupEvent) => void;
}

export type PartitionGroupEvent =
  | {
      readonly type: "assigned";
      readonly partition: number;
      /** True when taken from a dead or fenced owner (then `waitedMs` includes the wait for its in-flight messages). */
      readonly takeover: boolean;
      readonly waitedMs: number;
    }
  | { readonly type: "released"; readonly partition: number; readonly reason: StopReason }
  | { readonly type: "fenced"; readonly why: "disconnected" | "lease" }
  | { readonly type: "disconnected" | "reconnected"; readonly server?: string }
  | { readonly type: "error"; readonly error: unknown };

/** What `serve` gets for one partition it now owns. */
export interface PartitionLease {
  readonly partition: number;
  readonly partitions: number;
  /** The partition's durable consumer (created by the group). */
  readonly consumer: string;
  /** Aborted with a `StopReason` when the partition must stop; `serve` then drains and resolves. */
  readonly signal: AbortSignal;
  /**
   * True while this member's own heartbeat came back within half the lease: checked before extending
   * an ack deadline, so a member whose timers ran late (a pause) cannot prolong, past the new owner's
   * wait, the deliveries of a partition the others already judged lost.
   */
  confirmed(): boolean;
}

/** Serves until the lease's signal aborts; resolves false when it handed messages back (a nak). */
export type ServePartition = (lease: PartitionLease) => Promise<boolean | undefined>;

export interface PartitionGroup extends Stoppable {
  readonly group: string;
  readonly memberId: string;
  /** Partitions this member serves now. */
  owned(): number[];
  /** Members this member believes alive, itself included, sorted. */
  members(): string[];
  /** Owner of every partition as this member last saw it (undefined: unclaimed). */
  owners(): (string | undefined)[];
}

type GroupRecord =
  | { readonly at: number }
  /** `released`: the owner left with messages handed back; the next one takes over as from a dead owner. */
  | { readonly owner: string; readonly released?: boolean }
  | { readonly partitions: number };

interface Task {
  readonly abort: AbortController;
  done: Promise<void>;
  /** Revision of our claim, once made. */
  revision?: number;
  /** Set once the partition is served (after any wait for the previous owner). */
  served?: boolean;
}

/** How long joining may take: the first heartbeat written and seen back through the watch. */
const JOIN_TIMEOUT_MS = 60_000;
/** Tries to open the group's bucket before giving up (about 50 s with the 10 s timeout). */
const OPEN_ATTEMPTS = 4;

/**
 * A partitioned consumer group: each partition of the stream is served by exactly one live member at
 * a time; members come and go. No coordinator: membership and ownership are KV keys (one bucket,
 * `<group>.member.<id>` heartbeats, `<group>.owner.<n>` claims), written with compare-and-set.
 *
 * - Liveness is judged by each member on its own clock: a member whose heartbeat key has not changed
 *   for `leaseMs` is dead (no clock needs to agree with another).
 * - Every member computes the same balanced assignment from the live set; a member claims a partition
 *   assigned to it when it is unclaimed (create) or its owner is dead (CAS on the claim's revision),
 *   and releases (CAS delete) the partitions assigned to someone else, after draining them.
 * - A member serves only while it is sure of its view: its own latest heartbeat came back through the
 *   watch within half a lease, and the connection is up. Otherwise it is fenced: it stops fetching at
 *   once, before anyone else may judge it dead, and stops extending ack deadlines.
 * - Hand-over keeps each key in order: after a clean release the previous owner's last pull has run
 *   out and its unstarted messages were nak'd in order, so the next owner starts at once; after a
 *   takeover the next owner waits until the partition's consumer has nothing pending, or its ack wait
 *   has passed (then the server redelivers the dead owner's messages first, in stream order).
 */
export async function startPartitionGroup(
  deps: { readonly ctx: ClientContext; readonly jsm: () => Promise<JetStreamManager> },
  options: PartitionGroupOptions,
  serve: ServePartition,
): Promise<PartitionGroup> {
  const { ctx } = deps;
  const { group, partitions, stream } = options;
  if (!/^[-\w]+$/.test(group))
    throw new PartitionOptionsError(`group name "${group}" must match [-A-Za-z0-9_]+`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 4096) {
    throw new PartitionOptionsError(`group "${group}": partitions must be an integer from 1 to 4096`);
  }
  const leaseMs = options.leaseMs ?? 5000;
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const beatMs = Math.max(50, Math.floor(leaseMs / 5));
  const fenceMs = leaseMs / 2;
  const stallMs = 2 * leaseMs + ackWaitMs + 20_000;
  const me = options.memberId ?? defaultMemberId();
  if (!/^[-\w]+$/.test(me)) throw new PartitionOptionsError(`member id "${me}" must match [-A-Za-z0-9_]+`);
  const emit = (event: PartitionGroupEvent) => options.onEvent?.(event);
  const jsm = await deps.jsm();
  const kv = await openGroupBucket(ctx, options);
  const consumerOf = (p: number) => partitionConsumer(group, p);
  const memberKey = (id: string) => `${group}.member.${id}`;
  const ownerKey = (p: number) => `${group}.owner.${p}`;
  type Claim = { owner: string; released: boolean; revision: number };
  /** A partition's claim as the store holds it now: undefined for none, null when unreadable. */
  const readClaim = async (p: number): Promise<Claim | undefined | null> => {
    const e = await kv.get(ownerKey(p)).catch(() => null);
    if (e === null) return null;
    if (e === undefined || !("owner" in e.value)) return undefined;
    return { owner: e.value.owner, released: e.value.released === true, revision: e.revision };
  };

  /** Members by id: when (our clock) their key last changed, and its revision. */
  const seen = new Map<string, { at: number; revision: number }>();
  const claims = new Map<number, Claim>();
  const tasks = new Map<number, Task>();
  /** Partitions whose stale claim of ours is being handed on (see `tick`). */
  const handingOn = new Set<number>();
  /** Partitions assigned to us and not served yet: since when, and when a stall was last reported. */
  const wantedSince = new Map<number, number>();
  const stallReported = new Map<number, number>();
  /** When (our monotonic clock) the latest heartbeat that came back through the watch was sent. */
  let echoAt = Number.NEGATIVE_INFINITY;
  /** Heartbeats sent and not yet seen back: their `at` value → when they were sent. */
  const sentAt = new Map<number, number>();
  let lastAt = 0;
  let fenced = true;
  let stopping = false;
  let echoed: (() => void) | undefined;

  const apply = (e: KvEntry<GroupRecord>) => {
    const now = performance.now();
    const [kind, id = ""] = e.key.slice(group.length + 1).split(".");
    if (kind === "member") {
      if (e.operation !== "PUT") seen.delete(id);
      else {
        seen.set(id, { at: now, revision: e.revision });
        if (id === me) {
          // Fresh as of when that heartbeat was sent, not when it came back: a watch that lags
          // (its node recovering) would otherwise keep us confirmed while it hides others' claims.
          const echoedAt = "at" in e.value ? e.value.at : Number.NEGATIVE_INFINITY;
          const sent = sentAt.get(echoedAt);
          for (const at of sentAt.keys()) if (at <= echoedAt) sentAt.delete(at);
          if (sent !== undefined && sent > echoAt) echoAt = sent;
          echoed?.();
        }
      }
    } else if (kind === "owner") {
      const p = Number(id);
      if (e.operation === "PUT" && "owner" in e.value) {
        claims.set(p, { owner: e.value.owner, released: e.value.released === true, revision: e.revision });
        // Someone took over our claim (we were judged dead): stop at once, without releasing. A lower
        // revision is usually an old entry arriving late, but after a rollback of the bucket it can be
        // a new one: the store decides.
        const task = tasks.get(p);
        if (e.value.owner !== me && task?.revision !== undefined) {
          if (e.revision > task.revision) task.abort.abort("stolen");
          else
            void readClaim(p).then((stored) => {
              if (stored !== null && stored?.owner !== me) task.abort.abort("stolen");
            });
        }
      } else claims.delete(p);
    }
    schedule();
  };
  // The watch is this member's view of the group. It is started again when it ends, or when our own
  // heartbeats are stored but do not come back through it (a watch stuck after a node failure).
  let watcher: KvWatcher<GroupRecord> | undefined;
  let watching: Promise<void> = Promise.resolve();
  let rewatching = false;
  const watch = async () => {
    watcher?.stop();
    await watching;
    claims.clear(); // the new watch replays every claim; one deleted meanwhile must not linger
    const w = await kv.watch({ key: `${group}.>` });
    watcher = w;
    watching = (async () => {
      for await (const e of w) apply(e);
    })().catch((err: unknown) => emit({ type: "error", error: err }));
    void watching.then(() => {
      if (!stopping && watcher === w) void rewatch();
    });
  };
  const rewatch = async () => {
    if (rewatching || stopping) return;
    rewatching = true;
    try {
      await sleep(200);
      if (!stopping) await watch();
    } catch (err) {
      emit({ type: "error", error: err });
    } finally {
      rewatching = false;
    }
  };
  await watch();
  let storedAt = Number.NEGATIVE_INFINITY;

  const alive = (id: string, now: number) =>
    id === me ? !fenced : now - (seen.get(id)?.at ?? Number.NEGATIVE_INFINITY) < leaseMs;

  const heartbeat = async () => {
    try {
      // Distinct per heartbeat (the wall clock may stand still between two): keys the send time.
      const at = Math.max(Date.now(), lastAt + 1);
      lastAt = at;
      const now = performance.now();
      // An echo of a heartbeat older than a lease confirms nothing: forget it, so that a watch that
      // stopped echoing (a long outage) does not grow this map.
      for (const [old, sent] of sentAt) {
        if (now - sent < leaseMs) break; // in sending order
        sentAt.delete(old);
      }
      sentAt.set(at, now);
      await kv.put(memberKey(me), { at });
      storedAt = performance.now();
    } catch (err) {
      emit({ type: "error", error: err });
    }
  };

  const fence = (why: "disconnected" | "lease") => {
    if (!fenced) emit({ type: "fenced", why });
    fenced = true;
    wantedSince.clear(); // a stall is counted while we may serve, not while fenced
    for (const task of tasks.values()) task.abort.abort("fenced");
  };

  // Undefined while the partition's owner is alive: it releases once it sees the new assignment.
  const claim = async (p: number): Promise<{ revision: number; takeover: boolean } | undefined> => {
    const current = claims.get(p);
    const value = { owner: me };
    if (current === undefined) return { revision: await kv.create(ownerKey(p), value), takeover: false };
    if (!current.released && current.owner !== me && alive(current.owner, performance.now()))
      return undefined;
    return { revision: await kv.update(ownerKey(p), value, current.revision), takeover: true };
  };

  // A claim refused as a conflict means our view of the key is wrong: read it and trust the store.
  // The watch alone cannot fix it when a cluster failure rolled the bucket back (seen on nats-server
  // 2.9 with R3: revisions we had seen were gone, and the watch waits for newer ones).
  const refreshClaim = async (p: number) => {
    const stored = await readClaim(p);
    if (stored === null) return; // unreadable now: the next attempt reads again
    if (stored === undefined) claims.delete(p);
    else claims.set(p, stored);
  };

  const run = async (p: number, task: Task) => {
    const { signal } = task.abort;
    let revision: number | undefined;
    let clean = true;
    let refused = false;
    try {
      const began = performance.now();
      if (stream !== undefined) {
        await ensureConsumer(jsm, {
          stream,
          durable: consumerOf(p),
          ackWaitMs,
          maxDeliver: -1,
          filterSubject: options.filterSubject,
          maxAckPending: options.maxAckPending ?? 256,
        });
      }
      const claimed = await claim(p);
      if (claimed === undefined) {
        // Its owner is alive: wait for it to release (a KV change, or the next tick), not in a loop.
        refused = true;
        return;
      }
      revision = claimed.revision;
      task.revision = revision;
      // The previous owner's deliveries: settled, or redeliverable first, before we fetch. Stopped
      // before that, the claim is handed on as released, so the next owner waits in our place.
      if (claimed.takeover && stream !== undefined) {
        clean = false;
        await settled(
          () => jsm.consumers.info(stream, consumerOf(p)),
          () => 0,
          ackWaitMs,
          signal,
        );
        if (signal.aborted) return;
        clean = true;
      }
      if (signal.aborted) return;
      task.served = true;
      emit({
        type: "assigned",
        partition: p,
        takeover: claimed.takeover,
        waitedMs: performance.now() - began,
      });
      const confirmed = () => !fenced && !signal.aborted && performance.now() - echoAt < fenceMs;
      clean =
        (await serve({ partition: p, partitions, consumer: consumerOf(p), signal, confirmed })) !== false;
    } catch (err) {
      // A lost claim race is no error; our view of the claim was behind, so read it again.
      if (err instanceof KvConflictError) await refreshClaim(p);
      else emit({ type: "error", error: err });
    } finally {
      const reason = (signal.reason as StopReason | undefined) ?? "rebalance";
      if (revision !== undefined && reason !== "fenced" && reason !== "stolen") {
        const key = ownerKey(p);
        await (clean
          ? kv.delete(key, { expectedRevision: revision })
          : kv.update(key, { owner: me, released: true }, revision)
        ).catch(() => {});
      }
      if (revision !== undefined) emit({ type: "released", partition: p, reason });
      tasks.delete(p);
      if (!refused) schedule();
    }
  };

  // A partition assigned to us and not served for longer than any hand-over takes (lease, ack wait,
  // a pull's life): say what blocks it, once a minute.
  const reportStall = (p: number, now: number, claiming: boolean) => {
    const since = wantedSince.get(p) ?? now;
    wantedSince.set(p, since);
    if (now - since <= stallMs || now - (stallReported.get(p) ?? 0) <= 60_000) return;
    stallReported.set(p, now);
    const c = claims.get(p);
    const holder =
      c === undefined
        ? "unclaimed"
        : `claimed by ${c.owner === me ? "this member" : c.owner} at revision ${c.revision}${c.released ? " (released)" : ""}`;
    const why = `${holder}, ${claiming ? "claim under way" : "no claim under way"}`;
    emit({ type: "error", error: new PartitionStalledError(group, p, now - since, why) });
  };

  const tick = () => {
    if (stopping) return;
    const now = performance.now();
    if (now - echoAt >= fenceMs) {
      if (now - echoAt >= leaseMs && now - storedAt < fenceMs) void rewatch();
      return fence("lease");
    }
    fenced = false;
    const live = [...seen.keys()].filter((id) => alive(id, now));
    const wanted = assignPartitions(live.includes(me) ? live : [...live, me], partitions);
    for (let p = 0; p < partitions; p++) {
      const task = tasks.get(p);
      if (wanted[p] !== me || task?.served === true) wantedSince.delete(p);
      else reportStall(p, now, task !== undefined);
      if (wanted[p] === me && task === undefined) {
        const started: Task = { abort: new AbortController(), done: Promise.resolve() };
        tasks.set(p, started);
        started.done = run(p, started);
      } else if (wanted[p] !== me) task?.abort.abort("rebalance");
    }
    // A claim of ours that no task serves (left when we were fenced) and that is now someone else's:
    // hand it on as released, so its new owner waits for what we may still have had in flight.
    for (const [p, c] of claims) {
      if (c.owner !== me || c.released || wanted[p] === me || tasks.has(p) || handingOn.has(p)) continue;
      handingOn.add(p);
      void kv
        .update(ownerKey(p), { owner: me, released: true }, c.revision)
        .catch(() => refreshClaim(p)) // changed meanwhile, or our view was wrong: read it again
        .finally(() => handingOn.delete(p));
    }
    // A member dead for two leases leaves its key behind (a crash): clear it, so the bucket stays small.
    for (const [id, s] of seen) {
      if (id !== me && now - s.at > 2 * leaseMs) {
        void kv.delete(memberKey(id), { expectedRevision: s.revision }).catch(() => {});
      }
    }
  };
  let scheduled = false;
  function schedule() {
    if (scheduled || stopping) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      tick();
    });
  }

  // Our own first heartbeat coming back means the watch has shown everything written before it.
  // (Written again until it does: the first writes to a new replicated bucket may time out.)
  let echo = false;
  const firstEcho = new Promise<void>((resolve) => (echoed = resolve)).then(() => {
    echo = true;
  });
  const joinBy = performance.now() + JOIN_TIMEOUT_MS;
  while (!echo) {
    if (performance.now() > joinBy) {
      watcher?.stop();
      throw new PartitionJoinError(group, JOIN_TIMEOUT_MS);
    }
    await heartbeat();
    await Promise.race([firstEcho, sleep(Math.max(beatMs, 1000))]);
  }
  echoed = undefined;
  const timer = setInterval(() => {
    void heartbeat();
    tick();
  }, beatMs);
  schedule();

  // Disconnected: stop serving at once (our acks may not arrive); reconnected: the next echo resumes.
  void (async () => {
    for await (const s of ctx.nc.status()) {
      if (stopping) break;
      if (s.type === "disconnect") {
        echoAt = Number.NEGATIVE_INFINITY;
        emit({ type: "disconnected", server: String(s.server ?? "") });
        fence("disconnected");
      } else if (s.type === "reconnect") {
        emit({ type: "reconnected", server: String(s.server ?? "") });
        void heartbeat();
      }
    }
  })().catch(() => {});

  let stopped: Promise<void> | undefined;
  const result: PartitionGroup = {
    group,
    memberId: me,
    owned: () => [...tasks.keys()].filter((p) => claims.get(p)?.owner === me).sort((a, b) => a - b),
    members: () => {
      const now = performance.now();
      return [...seen.keys()].filter((id) => alive(id, now)).sort();
    },
    owners: () => Array.from({ length: partitions }, (_, p) => claims.get(p)?.owner),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(timer);
        for (const task of tasks.values()) task.abort.abort("stopping");
        await Promise.all([...tasks.values()].map((t) => t.done));
        await kv.delete(memberKey(me)).catch(() => {});
        watcher?.stop();
        await watching;
        ctx.running.delete(result);
      })();
      return stopped;
    },
  };
  ctx.running.add(result);
  return result;
}

/** `<host>-<pid>-<random>`, in the characters KV keys and consumer names allow. */
export function defaultMemberId(): string {
  return `${hostname().replace(/[^-\w]/g, "_")}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Opens (creating) the bucket and checks the partition count. Retried: a replicated bucket that
 * several members create at once can take a while to elect its leader and answer.
 */
async function openGroupBucket(
  ctx: ClientContext,
  options: PartitionGroupOptions,
): Promise<KvBucket<GroupRecord>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const kv = await openKv<GroupRecord>(ctx, options.bucket ?? "JUNCTION_GROUPS", {
        codec: jsonCodec() as Codec<GroupRecord>,
        history: 1,
        timeoutMs: 10_000,
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      });
      await checkPartitionCount(kv, options.group, options.partitions);
      return kv;
    } catch (err) {
      if (attempt >= OPEN_ATTEMPTS || err instanceof PartitionCountMismatchError) throw err;
      await sleep(500 * attempt);
    }
  }
}

/** The first member records the partition count; later ones must agree. */
async function checkPartitionCount(kv: KvBucket<GroupRecord>, group: string, partitions: number) {
  const key = `${group}.config`;
  try {
    await kv.create(key, { partitions });
  } catch (err) {
    if (!(err instanceof KvConflictError)) throw err;
    const stored = (await kv.get(key))?.value;
    if (stored !== undefined && "partitions" in stored && stored.partitions !== partitions) {
      throw new PartitionCountMismatchError(group, stored.partitions, partitions);
    }
  }
}
