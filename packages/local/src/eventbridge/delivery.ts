import type { State } from "./buses.ts";
import type { AcceptedEvent } from "./events.ts";
import type { DeliveryFailure, EventEnvelope, Rule, StoredTarget } from "./model.ts";
import { renderTargetInput } from "./transform.ts";

/** How events leave the local EventBridge (the edge wires these to local SQS and Lambda). */
export interface DeliveryDeps {
  deliverToSqs(queueArn: string, body: string, options: { messageGroupId?: string }): Promise<void>;
  /** An asynchronous (`Event`) invocation. */
  invokeLambda(functionArn: string, payload: string): Promise<void>;
}

export interface Dispatcher {
  /** Routes accepted events after the caller has answered (AWS delivers asynchronously too). */
  dispatch(events: readonly AcceptedEvent[], ingestionTime: string): void;
  failures(ruleArn?: string): DeliveryFailure[];
  settled(): Promise<void>;
  close(): Promise<void>;
}

const FAILURES_KEPT_PER_RULE = 100;

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
    for (const rule of target.rules.values()) {
      if (rule.state === "DISABLED" || rule.pattern === undefined || !rule.pattern.matches(event)) continue;
      for (const t of rule.targets.values()) deliverInOrder(rule, t, event, forwarded, ingestionTime);
    }
  };

  const deliverInOrder = (
    rule: Rule,
    target: StoredTarget,
    event: EventEnvelope,
    forwarded: boolean,
    ingestionTime: string,
  ): void => {
    const key = `${rule.arn}#${target.id}`;
    const work = (tails.get(key) ?? Promise.resolve()).then(() =>
      deliver(rule, target, event, forwarded, ingestionTime).catch((err: unknown) =>
        record({
          bus: rule.bus,
          eventId: event.id,
          ruleArn: rule.arn,
          targetId: target.id,
          targetArn: target.arn,
          reason: err instanceof Error ? err.message : String(err),
        }),
      ),
    );
    tails.set(key, work);
    void work.finally(() => {
      if (tails.get(key) === work) tails.delete(key);
    });
    track(work);
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
    if ("error" in rendered) throw new Error(rendered.error);
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
          throw new Error(
            "EventBridge can't route events received from a sender event bus to a third event bus",
          );
        if (!target.kind.local || !state.buses.has(target.kind.name))
          throw new Error(`Event bus ${target.kind.name} does not exist`);
        return route(target.kind, event, true, ingestionTime);
      case "unsupported":
        throw new Error(`unsupported target ${target.arn}`);
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
      await settled();
    },
  };
}
