import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { Codec } from "../codecs/index.ts";
import { CodecError, JunctionError } from "../errors/index.ts";
import { JetStreamErrorCode, PoisonMessageError, toJetStreamError } from "../errors/jetstream.ts";
import { createDlq, type DeadLetter, type DeadLetterReason, watchMaxDeliveries } from "./dlq.ts";
import { backoffDelay, createJob, type JobState, streamIdentity } from "./job.ts";
import { ensureConsumer, serverAtLeast } from "./streams.ts";
import type { JobHandler, Worker, WorkerDeps, WorkerOptions } from "./worker-options.ts";

export type { JobHandler, Worker, WorkerDeps, WorkerOptions } from "./worker-options.ts";

/**
 * A durable pull worker. `consume()` pulls `batch` at a time and only pulls again once the loop has
 * taken the buffered messages, and the loop takes one only when a handler slot is free: at most
 * `concurrency` handlers run and at most about one batch waits. Success acks; failure naks with the
 * backoff; the last allowed failure (or poison) copies the message to the DLQ, then terms it. Messages
 * whose last delivery was never handled (crash, hang) come back through the server's max-deliveries
 * advisory and are copied too. Register-and-stop: `client.drain()` stops it first.
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

  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let wake: (() => void) | undefined;
  const inflight = new Set<Promise<void>>();

  // Handler slots: `acquire` resolves true when one is free, false once stopping.
  let free = concurrency;
  const slotWaiters: Array<(ok: boolean) => void> = [];
  const acquire = (): boolean | Promise<boolean> => {
    if (stopping) return false;
    if (free > 0) return free-- > 0;
    return new Promise((resolve) => slotWaiters.push(resolve));
  };
  const release = () => {
    const next = slotWaiters.shift();
    if (next) next(true);
    else free++;
  };

  const settle = async (m: JsMsg, state: JobState, error: unknown) => {
    const dc = m.info.deliveryCount;
    const poison =
      state.termReason !== undefined || error instanceof PoisonMessageError || error instanceof CodecError;
    if (error === undefined && !poison) return m.ack();
    const last = maxDeliver > 0 && dc >= maxDeliver;
    if (!poison && !last) return m.nak(backoffDelay(options.backoff, dc));
    const reason: DeadLetterReason = poison ? "poison" : "failed";
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
    // A handler running past half the ack wait gets its deadline extended, every half ack wait, so a
    // long job is not redelivered to someone else while it still runs (up to `maxExtendMs`).
    const started = Date.now();
    const extender = setInterval(() => {
      if (Date.now() - started < maxExtendMs) m.working();
      else clearInterval(extender);
    }, ackWaitMs / 2);
    const state: JobState = { termReason: undefined };
    let error: unknown;
    try {
      const job = createJob(ctx, deps.publish, m, durable, codec, identity, state);
      await observation.run(() => handler(job));
    } catch (err) {
      error = err;
    } finally {
      clearInterval(extender);
    }
    observation.end(error);
    await settle(m, state, error);
  };

  const run = async () => {
    let failures = 0;
    while (!stopping && !ctx.nc.isClosed()) {
      let restart = false;
      try {
        const consumer = await js.consumers.get(stream, durable);
        const iter = await consumer.consume({
          max_messages: batch,
          ...(options.expiresMs === undefined ? {} : { expires: options.expiresMs }),
        });
        messages = iter;
        if (stopping) iter.stop();
        void (async () => {
          for await (const s of iter.status()) {
            // Deleted or unreachable consumer: start over (recreating it) rather than stall.
            const lost = s.type === "consumer_deleted" || s.type === "consumer_not_found";
            if (lost || s.type === "heartbeats_missed") {
              restart = true;
              iter.stop();
            }
          }
        })();
        for await (const m of iter) {
          failures = 0;
          if (restart || !(await acquire())) {
            m.nak(); // back to the stream at once, for another worker (or us, after the restart)
            continue;
          }
          const p = handle(m)
            .catch(report)
            .finally(() => {
              inflight.delete(p);
              release();
            });
          inflight.add(p);
        }
      } catch (err) {
        if (!stopping) report(err);
        restart = true;
      }
      if (stopping || ctx.nc.isClosed()) break;
      // Capped backoff between restarts, cut short by stop().
      const delay = Math.min(5000, 100 * 2 ** failures++);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (restart && !stopping) {
        await deps
          .jsm()
          .then((m) => ensureConsumer(m, spec))
          .catch(report);
      }
    }
  };
  const loop = run();

  let stopped: Promise<void> | undefined;
  const worker: Worker = {
    stream,
    durable,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        messages?.stop();
        wake?.();
        for (const w of slotWaiters.splice(0)) w(false);
        await loop;
        await Promise.all(inflight);
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
