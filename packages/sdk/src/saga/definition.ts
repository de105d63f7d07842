import { type CompiledPattern, parsePattern } from "../subjects/parse.ts";
import { SagaDefinitionError } from "./errors.ts";

/** What a command's payload is built from. */
export interface SagaView<D> {
  readonly correlationId: string;
  /** The saga's input. */
  readonly data: D;
  /** Payloads of the success events of the steps done so far, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
}

/** A command the saga sends and the events that answer it. */
export interface SagaAction<D> {
  readonly command: {
    readonly subject: string;
    /** The payload; default the saga's input. */
    readonly data?: (saga: SagaView<D>) => unknown;
  };
  /** Event subject(s) or patterns meaning "done". The event must be caused by the command (causation id). */
  readonly success: string | readonly string[];
  /** Event subject(s) or patterns meaning "failed". */
  readonly failure?: string | readonly string[];
  /** No answer within this long counts as a failure; default the saga's `timeoutMs`. */
  readonly timeoutMs?: number;
}

export interface SagaStep<D> extends SagaAction<D> {
  /** Unique in the saga; names the step's result and shows in outcomes. */
  readonly name: string;
  /** Undoes the step when a later one fails; none: nothing to undo. */
  readonly compensation?: SagaAction<D>;
}

export interface SagaDefinition<D> {
  /** Letters, digits, `-`, `_`: part of KV keys and subjects. */
  readonly name: string;
  readonly steps: readonly SagaStep<D>[];
  /** Default answer timeout per step and compensation (30 s). */
  readonly timeoutMs?: number;
  /** The outcome is published on `<outcomeSubject>.<completed|compensated|failed>`; default `saga.events.<name>`. */
  readonly outcomeSubject?: string;
}

export interface CompiledAction<D> {
  readonly subject: string;
  readonly data: ((saga: SagaView<D>) => unknown) | undefined;
  readonly success: readonly CompiledPattern[];
  readonly failure: readonly CompiledPattern[];
  readonly timeoutMs: number;
}

/** A checked definition, ready for a coordinator. */
export interface Saga<D> {
  readonly name: string;
  readonly outcomeSubject: string;
  readonly steps: readonly {
    readonly name: string;
    readonly action: CompiledAction<D>;
    readonly compensation: CompiledAction<D> | undefined;
  }[];
  /** Every answer pattern, for the coordinator's consumer. */
  readonly answers: readonly CompiledPattern[];
}

const NAME = /^[-_A-Za-z0-9]+$/;
const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === "string" ? [v] : v;

/** Checks a saga definition once, so that a coordinator never meets a broken one. */
export function defineSaga<D>(definition: SagaDefinition<D>): Saga<D> {
  const { name } = definition;
  if (!NAME.test(name)) throw new SagaDefinitionError(`saga name "${name}": letters, digits, - and _ only`);
  if (definition.steps.length === 0) throw new SagaDefinitionError(`saga ${name}: no steps`);
  const defaultTimeout = definition.timeoutMs ?? 30_000;
  const answers: CompiledPattern[] = [];
  const seen = new Set<string>();
  const compile = (where: string, action: SagaAction<D>): CompiledAction<D> => {
    const patterns = (kind: string, subjects: readonly string[]) =>
      subjects.map((s) => {
        try {
          return parsePattern(s);
        } catch (err) {
          throw new SagaDefinitionError(`saga ${name}, ${where}: invalid ${kind} subject "${s}"`, {
            cause: err,
          });
        }
      });
    const success = patterns("success", list(action.success));
    const failure = patterns("failure", list(action.failure));
    if (success.length === 0) throw new SagaDefinitionError(`saga ${name}, ${where}: no success event`);
    const both = list(action.success).filter((s) => list(action.failure).includes(s));
    if (both.length > 0)
      throw new SagaDefinitionError(`saga ${name}, ${where}: ${both[0]} is success and failure`);
    patterns("command", [action.command.subject]);
    if (parsePattern(action.command.subject).tokens.some((t) => t.kind !== "literal")) {
      throw new SagaDefinitionError(`saga ${name}, ${where}: the command subject must be concrete`);
    }
    const timeoutMs = action.timeoutMs ?? defaultTimeout;
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
      throw new SagaDefinitionError(`saga ${name}, ${where}: timeoutMs must be a positive integer`);
    }
    answers.push(...success, ...failure);
    return { subject: action.command.subject, data: action.command.data, success, failure, timeoutMs };
  };
  const steps = definition.steps.map((step, i) => {
    if (!NAME.test(step.name))
      throw new SagaDefinitionError(`saga ${name}, step ${i}: invalid name "${step.name}"`);
    if (seen.has(step.name)) throw new SagaDefinitionError(`saga ${name}: two steps named ${step.name}`);
    seen.add(step.name);
    return {
      name: step.name,
      action: compile(`step ${step.name}`, step),
      compensation: step.compensation && compile(`compensation of ${step.name}`, step.compensation),
    };
  });
  const outcomeSubject = definition.outcomeSubject ?? `saga.events.${name}`;
  try {
    parsePattern(`${outcomeSubject}.completed`);
  } catch (err) {
    throw new SagaDefinitionError(`saga ${name}: invalid outcome subject "${outcomeSubject}"`, {
      cause: err,
    });
  }
  return { name, outcomeSubject, steps, answers };
}

/**
 * One NATS filter covering every subject given (a consumer on nats-server 2.9 takes one): the longest
 * common run of literal leading tokens, then `>` — `shop.events.stock.reserved` and
 * `shop.events.payment.charged` give `shop.events.>`; nothing in common gives `>`.
 */
export function coveringFilter(subjects: readonly string[]): string {
  if (subjects.length === 0) return ">";
  const split = subjects.map((s) => s.split("."));
  const first = split[0] ?? [];
  const prefix: string[] = [];
  for (const [i, token] of first.entries()) {
    if (token === "*" || token === ">" || !split.every((s) => s[i] === token)) break;
    prefix.push(token);
  }
  if (split.every((s) => s.length === prefix.length)) return prefix.join("."); // all the same subject
  while (prefix.length > 0 && split.some((s) => s.length <= prefix.length)) prefix.pop();
  return prefix.length === 0 ? ">" : `${prefix.join(".")}.>`;
}
