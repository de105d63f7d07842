import { backoff } from "@junction/sdk/resilience";
import { archiveEvent } from "./archives.ts";
import { eventTime } from "./arns.ts";
import type { State } from "./buses.ts";
import { TargetDeliveryError } from "./errors.ts";
import type { AcceptedEvent } from "./events.ts";
import type { DeliveryFailure, EventEnvelope, Replay, ReplayState, Rule, StoredTarget } from "./model.ts";
import { renderTargetInput } from "./transform.ts";

/**
 * How events leave the local EventBridge (the edge wires these to local SQS and Lambda). A failure
 * thrown as `TargetDeliveryError` says whether it is worth retrying; any other error is not retried.
 */
export interface DeliveryDeps {
  deliverToSqs(
    queueArn: string,
    body: string,
    options: { messageGroupId?: string; attributes?: Readonly<Record<string, string>> },
  ): Promise<void>;
  /** An asynchronous (`Event`) invocation. */
  invokeLambda(functionArn: string, payload: string): Promise<void>;
  /** Wait before retry number `attempt` (from 1); default exponential from 100 ms, capped at 5 s. */
  readonly retryDelayMs?: (attempt: number) => number;
}

export interface Dispatcher {
  /** Routes accepted events after the caller has answered (AWS delivers asynchronously too). */
  dispatch(events: readonly AcceptedEvent[], ingestionTime: string): void;
  /** Sends a replay's events to its bus's rules (all, or its FilterArns), then marks it done. */
  replay(replay: Replay, events: readonly EventEnvelope[]): void;
  failures(ruleArn?: string): DeliveryFailure[];
  settled(): Promise<void>;
  close(): Promise<void>;
}

const FAILURES_KEPT_PER_RULE = 100;

/** AWS backs off exponentially over up to 24 hours; locally retries come within seconds. */
const defaultRetryDelay = (attempt: number): number => backoff(attempt - 1, { baseMs: 100, maxMs: 5000 });

/**
 * Matches events against the ENABLED rules of their bus and delivers them to every target of each
 * matching rule. Deliveries to one target keep the order events were put in; a failed delivery is
 * recorded (the newest 100 per rule) and never thrown, since nobody is waiting for it.
 */
export function createDispatcher(state: State, deps: DeliveryDeps): Dispatcher {
  const pending = new Set<Promise<void>>();
  const tails = new Map<string, Promise<void>>();
  const failures = new Map<string, { seq: number; failure: DeliveryFailure }[]>();
  let seq = 0;
  let closed = false;

  const track = (work: Promise<void>): void => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const record = (failure: Omit<DeliveryFailure, "at">): void => {
    const key = failure.ruleArn ?? `bus:${failure.bus}`;
    const kept = failures.get(key) ?? [];
    kept.push({ seq: seq++, failure: { at: state.now(), ...failure } });
    if (kept.length > FAILURES_KEPT_PER_RULE) kept.shift();
    failures.set(key, kept);
  };

  const route = (
    bus: AcceptedEvent["bus"],
    event: EventEnvelope,
    forwarded: boolean,
    ingestionTime: string,
    onlyRules?: ReadonlySet<string>,
  ) => {
    const target = bus.local ? state.buses.get(bus.name) : undefined;
    if (target === undefined) {
      record({
        bus: bus.name,
        eventId: event.id,
        reason: `Event bus ${bus.name} does not exist: event dropped`,
      });
      return;
    }
    if (event["replay-name"] === undefined) archiveEvent(state, target.name, event);
    for (const rule of target.rules.values()) {
      if (onlyRules !== undefined && !onlyRules.has(rule.arn)) continue;
      if (rule.state === "DISABLED" || rule.pattern === undefined || !rule.pattern.matches(event)) continue;
      for (const t of rule.targets.values()) deliverInOrder(rule, t, event, forwarded, ingestionTime);
    }
  };

  /** Retries waiting for their time, and how to let each go without running it. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const retryDelay = deps.retryDelayMs ?? defaultRetryDelay;

  /**
   * Deliveries to one target keep the order events were put in. A failure is retried under the
   * target's RetryPolicy (a retry waits outside that order, as AWS retries do); one that is not
   * retried, or still fails when the policy is spent, is recorded and goes to the target's
   * dead-letter queue with AWS's attributes.
   */
  const deliverInOrder = (
    rule: Rule,
    target: StoredTarget,
    event: EventEnvelope,
    forwarded: boolean,
    ingestionTime: string,
  ): void => {
    const key = `${rule.arn}#${target.id}`;
    const firstAt = Date.now();
    const attempt = (retries: number): Promise<void> =>
      deliver(rule, target, event, forwarded, ingestionTime).catch((err: unknown) => {
        const retryable = err instanceof TargetDeliveryError && err.retryable;
        const spent =
          retries >= target.retry.maxAttempts
            ? "MaximumRetryAttempts"
            : Date.now() - firstAt >= target.retry.maxAgeMs
              ? "MaximumEventAgeInSeconds"
              : undefined;
        if (retryable && spent === undefined && !closed) {
          const delay = retryDelay(retries + 1);
          track(
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                timers.delete(timer);
                resolve(attempt(retries + 1));
              }, delay);
              timers.set(timer, resolve);
            }),
          );
          return;
        }
        return failed(rule, target, event, err, retries, retryable ? spent : undefined);
      });
    const work = (tails.get(key) ?? Promise.resolve()).then(() => attempt(0));
    tails.set(key, work);
    void work.finally(() => {
      if (tails.get(key) === work) tails.delete(key);
    });
    track(work);
  };

  const failed = async (
    rule: Rule,
    target: StoredTarget,
    event: EventEnvelope,
    err: unknown,
    retries: number,
    exhausted: string | undefined,
  ): Promise<void> => {
    const reason = err instanceof Error ? err.message : String(err);
    const where = {
      bus: rule.bus,
      eventId: event.id,
      ruleArn: rule.arn,
      targetId: target.id,
      targetArn: target.arn,
    };
    record({ ...where, reason });
    if (target.deadLetterArn === undefined) return;
    const attributes: Record<string, string> = {
      RULE_ARN: rule.arn,
      TARGET_ARN: target.arn,
      ERROR_CODE: err instanceof TargetDeliveryError ? err.errorCode : "INTERNAL_ERROR",
      ERROR_MESSAGE: reason,
      RETRY_ATTEMPTS: String(retries),
      ...(exhausted === undefined ? {} : { EXHAUSTED_RETRY_CONDITION: exhausted }),
    };
    await deps
      .deliverToSqs(target.deadLetterArn, JSON.stringify(event), { attributes })
      .catch((dlqErr: unknown) =>
        record({
          ...where,
          reason: `could not send to the dead-letter queue ${target.deadLetterArn}: ${dlqErr instanceof Error ? dlqErr.message : String(dlqErr)}`,
        }),
      );
  };

  const deliver = async (
    rule: Rule,
    target: StoredTarget,
    event: EventEnvelope,
    forwarded: boolean,
    ingestionTime: string,
  ): Promise<void> => {
    const rendered = renderTargetInput(target.input, {
      event,
      ruleArn: rule.arn,
      ruleName: rule.name,
      ingestionTime,
    });
    if ("error" in rendered) throw new TargetDeliveryError("INVALID_JSON", rendered.error, false);
    switch (target.kind.kind) {
      case "sqs":
        return deps.deliverToSqs(
          target.arn,
          rendered.body,
          target.messageGroupId === undefined ? {} : { messageGroupId: target.messageGroupId },
        );
      case "lambda":
        return deps.invokeLambda(target.arn, rendered.body);
      case "bus":
        // "EventBridge can't route events received from a sender event bus to a third event bus"
        // (user guide, eb-bus-to-bus): one hop only, which also rules out forwarding loops.
        if (forwarded)
          throw new TargetDeliveryError(
            "THIRD_ACCOUNT_HOP_DETECTED",
            "EventBridge can't route events received from a sender event bus to a third event bus",
            false,
          );
        if (!target.kind.local || !state.buses.has(target.kind.name))
          throw new TargetDeliveryError("NO_RESOURCE", `Event bus ${target.kind.name} does not exist`, false);
        return route(target.kind, event, true, ingestionTime);
      case "unsupported":
        throw new TargetDeliveryError("INVALID_PARAMETER", `unsupported target ${target.arn}`, false);
    }
  };

  const settled = async (): Promise<void> => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  return {
    dispatch(events, ingestionTime) {
      if (closed || events.length === 0) return;
      track(
        new Promise<void>((resolve) => {
          setImmediate(() => {
            for (const { bus, envelope } of events) {
              try {
                route(bus, envelope, false, ingestionTime);
              } catch (err) {
                record({ bus: bus.name, eventId: envelope.id, reason: `routing failed: ${String(err)}` });
              }
            }
            resolve();
          });
        }),
      );
    },
    replay(replay, events) {
      if (closed) return;
      const bus = { name: replay.destination.Arn.split("/").pop() as string, local: true };
      const filter = replay.destination.FilterArns;
      const onlyRules = filter === undefined || filter.length === 0 ? undefined : new Set(filter);
      // CancelReplay changes the state while the replay runs: read it afresh each time.
      const cancelling = () => (replay.state as ReplayState) === "CANCELLING";
      const run = async () => {
        replay.state = "RUNNING";
        for (const event of events) {
          // One event a turn, so a CancelReplay in between is seen.
          await new Promise((resolve) => setImmediate(resolve));
          if (cancelling() || closed) break;
          route(bus, event, false, eventTime(state.now()), onlyRules);
          replay.lastReplayed = state.now();
        }
        replay.state = cancelling() ? "CANCELLED" : "COMPLETED";
        replay.ended = state.now();
      };
      track(run());
    },
    failures(ruleArn) {
      const lists = ruleArn === undefined ? [...failures.values()] : [failures.get(ruleArn) ?? []];
      return lists
        .flat()
        .sort((a, b) => a.seq - b.seq)
        .map((f) => f.failure);
    },
    settled,
    async close() {
      closed = true;
      // Retries waiting for their turn are dropped, as a stopped stack delivers nothing more.
      for (const [timer, drop] of timers) {
        clearTimeout(timer);
        drop();
      }
      timers.clear();
      await settled();
    },
  };
}
