import type { JsMsg } from "@nats-io/jetstream";
import type { Codec } from "../codecs/index.ts";
import { CodecError, JunctionError } from "../errors/index.ts";
import { JetStreamErrorCode, PoisonMessageError, toJetStreamError } from "../errors/jetstream.ts";
import { createDlq, type DeadLetter, type DeadLetterReason, watchMaxDeliveries } from "./dlq.ts";
import { backoffDelay, createJob, type JobState, streamIdentity } from "./job.ts";
import { pullMessages } from "./pull.ts";
import { ensureConsumer, serverAtLeast } from "./streams.ts";
import type { JobHandler, Worker, WorkerDeps, WorkerOptions } from "./worker-options.ts";

export type { JobHandler, Worker, WorkerDeps, WorkerOptions } from "./worker-options.ts";

/**
 * A durable pull worker on the SDK's pull loop (pull.ts): at most `concurrency` handlers run and at
 * most one `batch` waits for them; a held message's ack deadline is extended (up to `maxExtendMs`). Success acks; failure naks with the backoff; the last allowed failure (or poison)
 * copies the message to the DLQ, then terms it. Messages whose last delivery was never handled (crash,
 * hang) come back through the server's max-deliveries advisory and are copied too. Register-and-stop: `client.drain()` stops it first.
 */
export async function startWorker<T>(
  deps: WorkerDeps,
  stream: string,
  durable: string,
  handler: JobHandler<T>,
  options: WorkerOptions<T> = {},
): Promise<Worker> {
  const { ctx, js } = deps;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const batch = Math.max(1, options.batch ?? concurrency);
  const maxDeliver = options.maxDeliver ?? 5;
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const maxExtendMs = options.maxExtendMs ?? Number.POSITIVE_INFINITY;
  const codec = options.codec ?? (ctx.codec as Codec<T>);
  const termTakesReason = serverAtLeast(ctx.nc.info?.version, 2, 11);
  const report = (err: unknown) => options.onError?.(toJetStreamError(err, stream));
  const spec = {
    stream,
    durable,
    ackWaitMs,
    maxDeliver,
    filterSubject: options.filterSubject,
    maxAckPending: options.maxAckPending,
    startAt: options.startAt,
  };
  await ensureConsumer(await deps.jsm(), spec);

  const dlq = options.dlq === false ? undefined : createDlq(deps.jsm, deps.publish, options.dlq);
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const tracked = p.catch(report).finally(() => background.delete(tracked));
    background.add(tracked);
  };
  const deadLetter = async (letter: DeadLetter) => {
    if (!dlq) return;
    await dlq.send(letter);
    await options.onDeadLetter?.(letter);
  };

  // The server gave up on a message whose last delivery nobody failed: copy it from the stream.
  const advisory = dlq
    ? watchMaxDeliveries(ctx.nc, deps.jsm, stream, durable, (letter) => track(letter.then(deadLetter)))
    : undefined;

  const settle = async (m: JsMsg, state: JobState, error: unknown) => {
    const dc = m.info.deliveryCount;
    const poison =
      state.termReason !== undefined || error instanceof PoisonMessageError || error instanceof CodecError;
    if (error === undefined && !poison) return m.ack();
    const last = maxDeliver > 0 && dc >= maxDeliver;
    if (!poison && !last) return m.nak(backoffDelay(options.backoff, dc));
    const reason: DeadLetterReason = poison ? "rejected" : "exhausted";
    const message = state.termReason ?? (error instanceof Error ? error.message : String(error));
    const code = error instanceof JunctionError ? error.code : "ERR_HANDLER";
    try {
      await deadLetter({
        reason,
        error: { message, code: error === undefined ? JetStreamErrorCode.Poison : code },
        subject: m.subject,
        stream,
        streamSequence: m.info.streamSequence,
        durable,
        deliveryCount: dc,
        headers: m.headers,
        data: m.data,
      });
      // nats-server < 2.11 does not parse `+TERM <reason>` and leaves the message pending: no reason there.
      if (termTakesReason) m.term(message);
      else m.term();
    } catch (err) {
      // Not copied: let it come back (or reach the advisory path) rather than drop it.
      report(err);
      m.nak(backoffDelay(options.backoff, dc));
    }
  };

  const handle = async (m: JsMsg) => {
    if (m.info.deliveryCount > 1) ctx.telemetry.redelivered(stream, durable);
    const identity = streamIdentity(m);
    const observation = ctx.telemetry.startProcess({
      operation: "worker",
      destination: durable,
      subject: m.subject,
      identity,
      headers: m.headers,
      group: durable,
    });
    const state: JobState = { termReason: undefined };
    let error: unknown;
    try {
      const job = createJob(ctx, deps.publish, m, durable, codec, identity, state);
      await observation.run(() => handler(job));
    } catch (err) {
      error = err;
    }
    observation.end(error);
    await settle(m, state, error);
  };

  // Handler slots. Up to a batch more is held waiting for one, so a pull stays outstanding even while
  // every handler is busy: the server decides on redeliveries and max deliveries only for a waiting pull.
  let free = concurrency;
  const slotWaiters: (() => void)[] = [];
  const runInSlot = async (m: JsMsg) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => slotWaiters.push(resolve));
    try {
      await handle(m);
    } finally {
      const next = slotWaiters.shift();
      if (next) next();
      else free++;
    }
  };

  const halt = new AbortController();
  const loop = pullMessages({
    js,
    stream,
    consumer: durable,
    concurrency: concurrency + batch,
    fetchBatch: batch,
    ackWaitMs,
    maxExtendMs,
    ...(options.expiresMs === undefined ? {} : { expiresMs: options.expiresMs }),
    signal: halt.signal,
    ordered: false,
    // What the pull under way brings after stop() goes back at once, for another worker.
    dispatch: async (m) => (halt.signal.aborted ? loop.handBack(m) : runInSlot(m)),
    onError: (err) => {
      if (ctx.nc.isClosed()) halt.abort();
      else report(err);
    },
    // Deleted or unreachable consumer: start over, recreating it, rather than stall.
    recover: async () => {
      await ensureConsumer(await deps.jsm(), spec);
    },
  });

  let stopped: Promise<void> | undefined;
  const worker: Worker = {
    stream,
    durable,
    stop: () => {
      stopped ??= (async () => {
        halt.abort();
        await loop.done;
        advisory?.unsubscribe();
        await Promise.all(background);
        ctx.running.delete(worker);
      })();
      return stopped;
    },
  };
  ctx.running.add(worker);
  return worker;
}
