/**
 * How a saga moves, as pure functions of (definition, state, what happened, now): the coordinator
 * reads the state, applies one of these and writes the result with compare-and-set. Each returns the
 * next state (with the message to send in its outbox) or undefined when the input does not concern it.
 */
import { matchPattern } from "../subjects/match.ts";
import type { CompiledAction, Saga } from "./definition.ts";
import { type SagaFault, type SagaOutcome, type SagaState, type SagaStatus, TERMINAL } from "./state.ts";

export interface TransitionClock {
  readonly now: number;
  readonly newId: () => string;
}

/** An event that may answer the pending command. */
export interface AnswerEvent {
  readonly subject: string;
  readonly id: string;
  readonly causationId: string | undefined;
  readonly data: unknown;
}

/** A new saga: the first step's command in the outbox. A root saga's first command has id = correlation id. */
export function begin<D>(
  saga: Saga<D>,
  data: D,
  origin: { readonly correlationId: string; readonly causationId?: string | undefined },
  clock: TransitionClock,
): SagaState<D> {
  const state: SagaState<D> = {
    v: 1,
    saga: saga.name,
    correlationId: origin.correlationId,
    status: "running",
    data,
    results: {},
    completed: [],
    compensated: [],
    startedAt: clock.now,
    updatedAt: clock.now,
  };
  const id = origin.causationId === undefined ? origin.correlationId : clock.newId();
  return dispatch(saga, state, 0, "command", origin.causationId, clock, id);
}

export function answer<D>(saga: Saga<D>, state: SagaState<D>, event: AnswerEvent, clock: TransitionClock) {
  const pending = state.pending;
  if (TERMINAL.has(state.status) || pending === undefined || event.causationId !== pending.commandId) return;
  const action = actionOf(saga, pending.step, pending.action);
  const step = saga.steps[pending.step]?.name ?? "";
  if (action === undefined) return;
  const matches = (patterns: CompiledAction<D>["success"]) =>
    patterns.some((p) => matchPattern(p, event.subject) !== undefined);
  if (matches(action.success)) {
    if (pending.action === "compensation") {
      const next = { ...state, compensated: [...state.compensated, step] };
      return compensateNext(saga, next, event.id, clock);
    }
    const next = {
      ...state,
      results: { ...state.results, [step]: event.data },
      completed: [...state.completed, step],
    };
    if (pending.step + 1 < saga.steps.length) {
      return dispatch(saga, next, pending.step + 1, "command", event.id, clock, clock.newId());
    }
    return finish(saga, next, "completed", event.id, clock);
  }
  if (matches(action.failure)) {
    const fault: SagaFault = {
      step,
      action: pending.action,
      reason: "failure",
      event: { subject: event.subject, id: event.id, data: event.data },
    };
    return fail(saga, state, fault, event.id, clock);
  }
  return undefined;
}

/** The pending command's deadline passed: it counts as failed (its late answer is then ignored). */
export function timeout<D>(saga: Saga<D>, state: SagaState<D>, clock: TransitionClock) {
  const pending = state.pending;
  if (TERMINAL.has(state.status) || pending === undefined || clock.now < pending.deadline) return;
  const fault: SagaFault = {
    step: saga.steps[pending.step]?.name ?? "",
    action: pending.action,
    reason: "timeout",
  };
  // No event caused this: the next message is derived from the command that went unanswered.
  return fail(saga, state, fault, pending.commandId, clock);
}

/** The outcome event's payload for a finished state. */
export function outcomeOf<D>(saga: Saga<D>, state: SagaState<D>): SagaOutcome<D> {
  const undone = new Set(state.compensated);
  return {
    saga: saga.name,
    correlationId: state.correlationId,
    outcome: state.status as SagaOutcome["outcome"],
    data: state.data,
    results: state.results,
    completed: state.completed,
    compensated: state.compensated,
    notCompensated:
      state.status === "failed"
        ? state.completed.filter((s) => !undone.has(s) && saga.steps.find((x) => x.name === s)?.compensation)
        : [],
    ...(state.failure === undefined ? {} : { failure: state.failure }),
    ...(state.compensationFailure === undefined ? {} : { compensationFailure: state.compensationFailure }),
  };
}

function fail<D>(
  saga: Saga<D>,
  state: SagaState<D>,
  fault: SagaFault,
  cause: string,
  clock: TransitionClock,
) {
  if (fault.action === "compensation") {
    return finish(saga, { ...state, compensationFailure: fault }, "failed", cause, clock);
  }
  return compensateNext(saga, { ...state, status: "compensating", failure: fault }, cause, clock);
}

/** Undoes the latest completed step not yet undone that has a compensation; none left: compensated. */
function compensateNext<D>(saga: Saga<D>, state: SagaState<D>, cause: string, clock: TransitionClock) {
  const undone = new Set(state.compensated);
  for (let i = state.completed.length - 1; i >= 0; i--) {
    const name = state.completed[i] as string;
    const index = saga.steps.findIndex((s) => s.name === name);
    if (undone.has(name) || saga.steps[index]?.compensation === undefined) continue;
    return dispatch(saga, state, index, "compensation", cause, clock, clock.newId());
  }
  return finish(saga, state, "compensated", cause, clock);
}

function dispatch<D>(
  saga: Saga<D>,
  state: SagaState<D>,
  step: number,
  kind: "command" | "compensation",
  cause: string | undefined,
  clock: TransitionClock,
  id: string,
): SagaState<D> {
  const action = actionOf(saga, step, kind) as CompiledAction<D>;
  const view = { correlationId: state.correlationId, data: state.data, results: state.results };
  const { pending: _pending, outbox: _outbox, ...rest } = state;
  return {
    ...rest,
    updatedAt: clock.now,
    pending: {
      step,
      action: kind,
      commandId: id,
      subject: action.subject,
      deadline: clock.now + action.timeoutMs,
    },
    outbox: {
      subject: action.subject,
      id,
      ...(cause === undefined ? {} : { causationId: cause }),
      kind: "command",
      data: action.data ? action.data(view) : state.data,
    },
  };
}

function finish<D>(
  saga: Saga<D>,
  state: SagaState<D>,
  status: SagaStatus,
  cause: string,
  clock: TransitionClock,
) {
  const { pending: _pending, outbox: _outbox, ...rest } = state;
  const done: SagaState<D> = { ...rest, status, updatedAt: clock.now };
  return {
    ...done,
    outbox: {
      subject: `${saga.outcomeSubject}.${status}`,
      id: clock.newId(),
      causationId: cause,
      kind: "event" as const,
      data: outcomeOf(saga, done),
    },
  };
}

function actionOf<D>(saga: Saga<D>, step: number, kind: "command" | "compensation") {
  const s = saga.steps[step];
  return kind === "command" ? s?.action : s?.compensation;
}
