import type { DeadLetterReason, DeadLetterRecord } from "@junction/sdk/jetstream";
import { sleep } from "@junction/sdk/resilience";
import type { Logger } from "@junction/sdk/telemetry";
import type { RoutePolicy } from "../routes/policy.ts";
import type { RouteMessage } from "../targets/message.ts";
import type { TemplateScope } from "../templates/index.ts";
import { contextOf, inSpan, SpanKind } from "../tracing/index.ts";
import { attemptTargets, mappingError, type RouteTargets, type TargetResult } from "./deliver.ts";
import type { DeliveredMemory } from "./delivered.ts";
import { retryDelay } from "./retry.ts";

/** A message the runtime holds until it is settled: a JetStream delivery, or a core message. */
export interface HeldMessage {
  /** Deliveries so far, this one included (1 for core messages). */
  readonly deliveryCount: number;
  readonly stream?: string | undefined;
  readonly seq?: number | undefined;
  /** Key in the delivered-targets memory; undefined when nothing can be redelivered. */
  readonly memoryKey?: string | undefined;
  ack(): void;
  /** Hands the message back for redelivery after `delayMs`; absent for core messages. */
  readonly nak?: ((delayMs: number) => void) | undefined;
}

export interface HandleDeps {
  readonly rt: RouteTargets;
  readonly policy: RoutePolicy;
  readonly memory: DeliveredMemory;
  readonly deadLetter: (letter: DeadLetterRecord) => Promise<void>;
  readonly logger: Logger;
  /** Aborted by stop(): waits end, and held messages are handed back instead of retried. */
  readonly stopping: AbortSignal;
  readonly random?: () => number;
}

/**
 * Delivers one message to every target of its route, then settles it:
 * - all targets done (delivered, dropped, or dead-lettered) → ack;
 * - some retryable failure → targets already done are remembered (fan-out), then either `nak(delay)`
 *   (unordered stream routes) or, for ordered routes and core messages, a retry in process after the
 *   same delay — a nak would let later messages of the key overtake this one;
 * - the last allowed delivery failed → the failed targets are dead-lettered, then ack;
 * - the breaker is open (nothing sent) → wait in process, not an attempt.
 */
export function handleMessage(
  deps: HandleDeps,
  held: HeldMessage,
  message: RouteMessage,
  scope: TemplateScope,
  ordered: boolean,
): Promise<void> {
  // One consume span per delivery, continuing the publisher's trace: the target sends are its children.
  return inSpan(
    () => ({
      name: `process ${deps.rt.route.name}`,
      kind: SpanKind.CONSUMER,
      parent: contextOf(message.headers),
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "messaging.destination.name": message.subject,
        "messaging.message.id": message.id,
        "messaging.message.conversation_id": message.correlationId,
        "junction.route": deps.rt.route.name,
        ...(held.stream === undefined ? {} : { "messaging.consumer.group.name": deps.rt.route.name }),
        "junction.delivery_count": held.deliveryCount,
      },
    }),
    () => settle(deps, held, message, scope, ordered),
  );
}

async function settle(
  deps: HandleDeps,
  held: HeldMessage,
  message: RouteMessage,
  scope: TemplateScope,
  ordered: boolean,
): Promise<void> {
  const { rt, policy, logger } = deps;
  if (deps.stopping.aborted && held.nak) return held.nak(0); // keep the lane's order: do not start now
  const fanOut = rt.route.targets.length > 1;
  const done = new Set<number>();
  if (fanOut && held.memoryKey !== undefined && held.deliveryCount > 1) {
    for (const i of await deps.memory.get(held.memoryKey)) done.add(i);
  }
  // Deliveries beyond the runtime's limit were never finished (the bridge crashed on them, or an ack
  // was lost): the server redelivers without limit, so the bridge ends it here, in the DLQ.
  if (held.deliveryCount > policy.maxDeliver + UNFINISHED_MARGIN) {
    const unfinished = {
      code: "ERR_MAX_DELIVERIES",
      message: `not finished after ${held.deliveryCount - 1} deliveries (the bridge stopped or crashed while delivering it)`,
    };
    for (let i = 0; i < rt.route.targets.length; i++) {
      if (done.has(i)) continue;
      // An unmappable message whose dead-letter writes kept failing (the DLQ was unreachable) gets
      // its real reason, not "unfinished".
      const rejected = mappingError(rt, i, message, scope);
      const [reason, why] =
        rejected === undefined ? [unfinished, "exhausted" as const] : [rejected, "rejected" as const];
      if (await deadLetter(deps, held, message, i, reason, held.deliveryCount, why)) done.add(i);
    }
    if (done.size === rt.route.targets.length) return held.ack();
    return giveBack(deps, held, done, retryDelay(policy.backoffMs, held.deliveryCount, deps.random));
  }
  let attempt = held.deliveryCount;
  for (;;) {
    const results = await attemptTargets(rt, message, scope, done);
    const retry: [number, Extract<TargetResult, { kind: "retry" }>][] = [];
    for (const [i, result] of results) {
      if (result.kind === "done") done.add(i);
      else if (result.kind === "retry") retry.push([i, result]);
      else if (await deadLetter(deps, held, message, i, result, attempt, "rejected")) done.add(i);
      else retry.push([i, { ...result, kind: "retry", paused: false, retryAfterMs: 0 }]);
    }
    if (retry.length === 0) return held.ack();

    const paused = retry.every(([, r]) => r.paused);
    if (!paused && attempt >= policy.maxDeliver) {
      for (const [i, r] of retry) {
        if (await deadLetter(deps, held, message, i, r, attempt, "exhausted")) done.add(i);
      }
      if (done.size === rt.route.targets.length) return held.ack();
    }
    if (deps.stopping.aborted) return giveBack(deps, held, done, 0);
    if (paused) {
      // Breaker open: nothing was sent, so this is no attempt; wait for the half-open trial.
      await sleep(Math.max(50, Math.min(...retry.map(([, r]) => r.retryAfterMs))), deps.stopping);
      continue;
    }
    const delay = retryDelay(policy.backoffMs, attempt, deps.random);
    for (const [i, r] of retry) {
      logger.warn(
        {
          route: rt.route.name,
          messageId: message.id,
          target: rt.channels[i]?.label,
          code: r.code,
          attempt,
          delayMs: delay,
        },
        r.message,
      );
    }
    if (!ordered && held.nak) return giveBack(deps, held, done, delay);
    await sleep(delay, deps.stopping);
    if (deps.stopping.aborted && held.nak) return giveBack(deps, held, done, 0);
    attempt++;
  }
}

/** Remembers the targets done (fan-out), then naks; a core message has nowhere to go back to. */
async function giveBack(deps: HandleDeps, held: HeldMessage, done: ReadonlySet<number>, delayMs: number) {
  if (!held.nak) return;
  if (deps.rt.route.targets.length > 1 && held.memoryKey !== undefined && done.size > 0) {
    try {
      await deps.memory.remember(held.memoryKey, done);
    } catch (err) {
      // Unremembered: the redelivery re-sends to targets that already have it (at-least-once).
      deps.logger.error({ route: deps.rt.route.name, err }, "cannot remember delivered targets");
    }
  }
  held.nak(delayMs);
}

/** Deliveries past `maxDeliver` a message gets before it counts as unfinishable (a crash during the DLQ write). */
const UNFINISHED_MARGIN = 2;

/** Copies the message to the DLQ for target `i`; false when the copy failed (then it is retried). */
async function deadLetter(
  deps: HandleDeps,
  held: HeldMessage,
  message: RouteMessage,
  i: number,
  result: { readonly code: string; readonly message: string },
  attempt: number,
  reason: DeadLetterReason,
): Promise<boolean> {
  const target = deps.rt.channels[i]?.label ?? `#${i}`;
  const route = deps.rt.route.name;
  try {
    await deps.deadLetter({
      reason,
      origin: { route, target },
      subject: message.subject,
      headers: message.headers,
      data: message.data,
      error: { code: result.code, message: result.message },
      attempts: attempt,
      identity: {
        id: message.id,
        correlationId: message.correlationId,
        ...(message.causationId === undefined ? {} : { causationId: message.causationId }),
      },
      stream: held.stream,
      seq: held.seq,
    });
    deps.rt.metrics.deadLettered.inc({ route, target });
    deps.logger.warn({ route, target, messageId: message.id, code: result.code, reason }, result.message);
    return true;
  } catch (err) {
    deps.logger.error({ route, target, messageId: message.id, err }, "dead-letter write failed");
    return false;
  }
}
