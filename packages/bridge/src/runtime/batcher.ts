import { type Context, context } from "@opentelemetry/api";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome } from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";

export interface BatcherOptions {
  readonly count: number;
  readonly bytes: number;
  readonly lingerMs: number;
}

/** Sends one batch; must return one outcome per request, in order (failures included, never throws). */
export type FlushBatch = (requests: readonly TargetRequest[]) => Promise<DeliveryOutcome[]>;

export interface Batcher {
  /** Queues a request; resolves with its own outcome once its batch was sent. */
  add(request: TargetRequest): Promise<DeliveryOutcome>;
  /** Sends what is queued now, without waiting for the linger time. */
  flush(): void;
  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void>;
}

interface Entry {
  readonly request: TargetRequest;
  /** The trace context it was queued in: the batch's calls run in its first entry's. */
  readonly ctx: Context;
  readonly resolve: (outcome: DeliveryOutcome) => void;
}

/**
 * Collects requests of one (route, target) and sends them when `count` or `bytes` is reached, or
 * `lingerMs` after the first one queued — whichever comes first. Batches are sent concurrently.
 */
export function createBatcher(options: BatcherOptions, send: FlushBatch): Batcher {
  let queue: Entry[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending = 0;
  let idlers: Array<() => void> = [];

  const checkIdle = () => {
    if (queue.length > 0 || sending > 0) return;
    const waiting = idlers;
    idlers = [];
    for (const resolve of waiting) resolve();
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    bytes = 0;
    sending++;
    const first = batch[0] as Entry;
    void context
      .with(first.ctx, () => send(batch.map((e) => e.request)))
      .then(
        (outcomes) => {
          batch.forEach((e, i) => {
            e.resolve(
              outcomes[i] ?? failed(`sender returned ${outcomes.length} outcomes for ${batch.length}`),
            );
          });
        },
        // A whole-call failure nobody attributed: every message of the batch is retried.
        (err: unknown) => {
          const outcome = failed(err instanceof Error ? err.message : String(err), err);
          for (const e of batch) e.resolve(outcome);
        },
      )
      .finally(() => {
        sending--;
        checkIdle();
      });
  };

  return {
    add(request) {
      return new Promise<DeliveryOutcome>((resolve) => {
        const size = requestSize(request);
        // A request that would push the batch over its byte budget starts the next batch.
        if (queue.length > 0 && bytes + size > options.bytes) flush();
        queue.push({ request, resolve, ctx: context.active() });
        bytes += size;
        if (queue.length >= options.count || bytes >= options.bytes || options.lingerMs === 0) flush();
        else timer ??= setTimeout(flush, options.lingerMs);
      });
    },
    flush,
    idle() {
      if (queue.length === 0 && sending === 0) return Promise.resolve();
      return new Promise((resolve) => idlers.push(resolve));
    },
  };
}

function failed(message: string, cause?: unknown): DeliveryOutcome {
  const error =
    cause instanceof DeliveryError
      ? cause
      : new DeliveryError(DeliveryErrorCode.Unavailable, message, { cause });
  return { ok: false, error };
}

/** Approximate wire size of a request: the bytes of its strings and byte arrays. */
export function requestSize(request: TargetRequest): number {
  return sizeOf(request.input);
}

function sizeOf(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === "number" || typeof value === "boolean") return 8;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + sizeOf(v), 0);
  if (value !== null && typeof value === "object") {
    let n = 0;
    for (const [k, v] of Object.entries(value)) n += k.length + sizeOf(v);
    return n;
  }
  return 0;
}
