import type { Stoppable } from "../client/context.ts";
import { type Codec, jsonCodec, rawCodec } from "../codecs/index.ts";
import type { JunctionClient } from "../connect/client.ts";
import { type MessageIdentity, newMessageId } from "../identity/index.ts";
import type { WorkerOptions } from "../jetstream/worker.ts";
import { KvConflictError } from "../kv/errors.ts";
import { matchPattern } from "../subjects/match.ts";
import { parsePattern } from "../subjects/parse.ts";
import { coveringFilter, type Saga } from "./definition.ts";
import { SagaConflictError, SagaExistsError } from "./errors.ts";
import { type SagaState, sagaKey, TERMINAL } from "./state.ts";
import { answer, begin, type TransitionClock, timeout } from "./transition.ts";

export interface SagaCoordinatorConfig<D> {
  readonly saga: Saga<D>;
  /** The stream that stores the answer events (and the trigger); read by a durable consumer. */
  readonly stream: string;
  /** Durable consumer name; default `saga-<name>`. Coordinators on one saga share it. */
  readonly durable?: string;
  /** Its filter; default the narrowest `x.y.>` covering every answer and the trigger. */
  readonly filterSubject?: string;
  /** KV bucket of saga states; default `JUNCTION_SAGAS`. */
  readonly bucket?: string;
  /** Starts a saga for each event on this subject (its input: `data(event)`, default the payload). */
  readonly trigger?: {
    readonly subject: string;
    readonly data?: (event: {
      readonly subject: string;
      readonly data: unknown;
      readonly identity: MessageIdentity;
    }) => D;
  };
  /** Commands and outcomes: `jetstream` (default; stored, deduplicated on a resend) or `core`. */
  readonly send?: "jetstream" | "core";
  /** Payload codec of commands, answers and outcomes; default JSON. */
  readonly codec?: Codec<unknown>;
  /** A state whose outbox is still unsent this long after its write is sent by any coordinator (default 2 s). */
  readonly outboxGraceMs?: number;
  /** The answer consumer's settings (concurrency default 16). */
  readonly worker?: Omit<WorkerOptions<Uint8Array>, "codec" | "filterSubject" | "onError">;
  /** Failures outside a caller's reach (KV or stream unreachable …). Libraries never log: you choose. */
  readonly onError?: (err: Error) => void;
}

export interface SagaCoordinator<D> extends Stoppable {
  readonly saga: Saga<D>;
  /**
   * Starts the saga for a flow: caused by `causedBy` (the saga joins its flow), or as a new root flow.
   * One instance per saga and correlation id: a second start is `SagaExistsError`.
   */
  start(data: D, options?: { readonly causedBy?: MessageIdentity }): Promise<SagaState<D>>;
  /** The saga's state in a flow, if it was started there. */
  get(correlationId: string): Promise<SagaState<D> | undefined>;
  /** Stops taking events (letting handled ones finish) and clears timers. Other coordinators carry on. */
  stop(): Promise<void>;
}

/**
 * Runs a saga (docs/domain-toolkit.md, "Sagas"). State lives in KV, so any coordinator on the same
 * bucket — another instance, or this one restarted — carries a saga on from where it stopped; every
 * change is a compare-and-set on the entry's revision, so two coordinators never both advance one saga.
 * Answers come from a durable consumer (events stored while no coordinator ran are not lost), deadlines
 * from timers armed by a KV watch on every coordinator (whichever fires first wins the CAS).
 */
export async function createSagaCoordinator<D>(
  config: SagaCoordinatorConfig<D>,
  deps: { readonly client: JunctionClient; readonly now?: () => number },
): Promise<SagaCoordinator<D>> {
  const { saga, stream } = config;
  const { client } = deps;
  const now = deps.now ?? Date.now;
  const codec = config.codec ?? jsonCodec();
  const grace = config.outboxGraceMs ?? 2000;
  const report = (err: unknown) => config.onError?.(err instanceof Error ? err : new Error(String(err)));
  const clock = (): TransitionClock => ({ now: now(), newId: newMessageId });
  const bucket = config.bucket ?? "JUNCTION_SAGAS";
  // State is JSON whatever the messages' codec: docs/domain-toolkit.md documents it for other tools.
  const stateCodec = jsonCodec<SagaState<D>>();
  const kv = await client.kv<SagaState<D>>(bucket, { codec: stateCodec });
  const trigger = config.trigger && { ...config.trigger, pattern: parsePattern(config.trigger.subject) };

  const send = async (state: SagaState<D>) => {
    const o = state.outbox;
    if (o === undefined) return;
    const identity: MessageIdentity =
      o.causationId === undefined
        ? { id: o.id, correlationId: state.correlationId }
        : { id: o.id, correlationId: state.correlationId, causationId: o.causationId };
    const options = { identity, kind: o.kind, codec };
    if (config.send === "core") client.publish(o.subject, o.data, options);
    else await client.jetstream().publish(o.subject, o.data, options);
  };
  /** Sends the outbox of the state at `revision`, then clears it unless the saga has moved on. */
  const flush = async (key: string, state: SagaState<D>, revision: number) => {
    if (state.outbox === undefined) return;
    await send(state);
    const { outbox: _sent, ...rest } = state;
    try {
      await kv.update(key, rest, revision);
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  };
  /** Read → transition → compare-and-set → send; a lost race reads again. */
  const advance = async (
    key: string,
    step: (s: SagaState<D>, c: TransitionClock) => SagaState<D> | undefined,
  ) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await kv.get(key);
      if (entry === undefined) return;
      const next = step(entry.value, clock());
      if (next === undefined) return;
      let revision: number;
      try {
        revision = await kv.update(key, next, entry.revision);
      } catch (err) {
        if (err instanceof KvConflictError) continue;
        throw err;
      }
      await flush(key, next, revision);
      return;
    }
    throw new SagaConflictError(key);
  };

  const start = async (data: D, options: { readonly causedBy?: MessageIdentity } = {}) => {
    const { causedBy } = options;
    const correlationId = causedBy?.correlationId ?? newMessageId();
    const state = begin(saga, data, { correlationId, causationId: causedBy?.id }, clock());
    const key = sagaKey(saga.name, correlationId);
    let revision: number;
    try {
      revision = await kv.create(key, state);
    } catch (err) {
      if (err instanceof KvConflictError) throw new SagaExistsError(saga.name, correlationId, { cause: err });
      throw err;
    }
    await flush(key, state, revision);
    return state;
  };

  // Deadlines and unsent outboxes, re-armed on every state change any coordinator makes.
  let stopped = false;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const firing = new Set<Promise<void>>();
  const schedule = (key: string, delayMs: number, revision: number) => {
    clearTimeout(timers.get(key));
    const timer = setTimeout(
      () => {
        timers.delete(key);
        const p = fire(key, revision).finally(() => firing.delete(p));
        firing.add(p);
      },
      Math.min(Math.max(0, delayMs), 2 ** 31 - 1),
    );
    timer.unref(); // the connection keeps a coordinator's process alive, not its timers
    timers.set(key, timer);
  };
  const arm = (key: string, revision: number, state: SagaState<D>) => {
    clearTimeout(timers.get(key));
    timers.delete(key);
    if (stopped) return;
    const outboxDue = state.outbox ? state.updatedAt + grace : Number.POSITIVE_INFINITY;
    const deadline =
      state.pending && !TERMINAL.has(state.status) ? state.pending.deadline : Number.POSITIVE_INFINITY;
    const due = Math.min(outboxDue, deadline);
    if (due !== Number.POSITIVE_INFINITY) schedule(key, due - now(), revision);
  };
  const fire = async (key: string, revision: number) => {
    if (stopped) return;
    try {
      const entry = await kv.get(key);
      if (entry === undefined || entry.revision !== revision) return; // changed since: re-armed by the watch
      if (entry.value.outbox) await flush(key, entry.value, revision);
      else await advance(key, (s, c) => timeout(saga, s, c));
    } catch (err) {
      report(err);
      if (!stopped && !client.nc.isClosed() && !timers.has(key)) schedule(key, grace, revision);
    }
  };
  // Raw values: a malformed entry written by someone else is skipped, it does not end the watch.
  const raw = await client.kv(bucket, { codec: rawCodec() });
  const watcher = await raw.watch({ key: `${saga.name}.>` });
  const watching = (async () => {
    try {
      for await (const e of watcher) {
        let state: SagaState<D> | undefined;
        try {
          state = e.operation === "PUT" ? stateCodec.decode(e.value) : undefined;
        } catch (err) {
          report(err);
        }
        if (state === undefined) {
          clearTimeout(timers.get(e.key));
          timers.delete(e.key);
        } else arm(e.key, e.revision, state);
      }
    } catch (err) {
      if (!stopped) report(err);
    }
  })();

  const decode = (data: Uint8Array): unknown => {
    try {
      return codec.decode(data);
    } catch {
      return undefined; // an answer counts by its subject; an unreadable payload is just no result
    }
  };
  const durable = config.durable ?? `saga-${saga.name}`;
  const covering =
    config.filterSubject ??
    coveringFilter([...saga.answers, ...(trigger ? [trigger.pattern] : [])].map((p) => p.natsSubject));
  // `>` means the whole stream: no filter (a filter must be a subset of the stream's subjects).
  const filterSubject = covering === ">" ? undefined : covering;
  let worker: Stoppable;
  try {
    worker = await client.jetstream().worker<Uint8Array>(
      stream,
      durable,
      async (job) => {
        if (trigger && matchPattern(trigger.pattern, job.subject) !== undefined) {
          const event = { subject: job.subject, data: decode(job.data), identity: job.identity };
          try {
            await start(trigger.data ? trigger.data(event) : (event.data as D), { causedBy: job.identity });
          } catch (err) {
            if (!(err instanceof SagaExistsError)) throw err; // a redelivered trigger: started already
          }
          return;
        }
        if (!saga.answers.some((p) => matchPattern(p, job.subject) !== undefined)) return;
        const event = {
          subject: job.subject,
          id: job.identity.id,
          causationId: job.identity.causationId,
          data: decode(job.data),
        };
        await advance(sagaKey(saga.name, job.identity.correlationId), (s, c) => answer(saga, s, event, c));
      },
      {
        concurrency: 16,
        ...config.worker,
        ...(filterSubject === undefined ? {} : { filterSubject }),
        // A saga added to a stream with history must not answer (or be triggered by) old events.
        startAt: "new",
        codec: rawCodec(),
        onError: report,
      },
    );
  } catch (err) {
    stopped = true;
    watcher.stop();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    saga,
    start,
    get: async (correlationId) => (await kv.get(sagaKey(saga.name, correlationId)))?.value,
    stop: () => {
      stopping ??= (async () => {
        await worker.stop();
        stopped = true;
        watcher.stop();
        await watching;
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
        await Promise.all(firing);
      })();
      return stopping;
    },
  };
}
