import { targetKind } from "./arns.ts";
import type { State } from "./buses.ts";
import {
  Constraints,
  isJsonObject,
  type JsonObject,
  NAME_PATTERN,
  NAME_PATTERN_TEXT,
  optArray,
  optObject,
  optString,
  optStringList,
  page,
} from "./constraints.ts";
import { EventBridgeApiError, serializationError, validationError } from "./errors.ts";
import type { StoredTarget } from "./model.ts";
import { requireRule } from "./rules.ts";
import { compileTargetInput } from "./transform.ts";

/** "You can define up to five targets for each rule" (user guide, event bus targets). */
const MAX_TARGETS_PER_RULE = 5;

function checkId(c: Constraints, id: string | undefined, at: string): void {
  if (c.required(id, at))
    c.string(id, at, { min: 1, max: 64, pattern: NAME_PATTERN, patternText: NAME_PATTERN_TEXT });
}

/**
 * Adds or replaces targets. Everything is checked before anything changes, so a rejected request
 * leaves the rule as it was. RetryPolicy and DeadLetterConfig are acted on; RoleArn is kept and
 * listed back.
 */
export function putTargets(state: State, input: JsonObject): JsonObject {
  const list = optArray(input, "Targets");
  const c = new Constraints();
  if (c.required(list, "targets")) c.count(list, "targets", 1, 10);
  const specs = (list ?? []).map((item) => {
    if (!isJsonObject(item)) throw serializationError("Targets must be a list of objects");
    return item;
  });
  specs.forEach((spec, i) => {
    const at = `targets.${i + 1}.member`;
    checkId(c, optString(spec, "Id"), `${at}.id`);
    const arn = optString(spec, "Arn");
    if (c.required(arn, `${at}.arn`)) c.string(arn, `${at}.arn`, { min: 1, max: 1600 });
  });
  c.check();
  const rule = requireRule(state, input, "Rule");
  const compiled = specs.map((spec, i) => compileTarget(state, spec, `targets.${i + 1}.member`));
  const ids = new Set([...rule.targets.keys(), ...compiled.map((t) => t.id)]);
  if (ids.size > MAX_TARGETS_PER_RULE)
    throw new EventBridgeApiError(
      "LimitExceededException",
      "The requested resource exceeds the maximum number allowed.",
    );
  for (const target of compiled) rule.targets.set(target.id, target);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

function compileTarget(state: State, spec: JsonObject, at: string): StoredTarget {
  const id = optString(spec, "Id") as string;
  const arn = optString(spec, "Arn") as string;
  const kind = targetKind(state.place, arn);
  if (kind === undefined)
    throw validationError(`Parameter ${arn} is not valid. Reason: Provided Arn is not in correct format.`);
  if (kind.kind === "unsupported")
    throw validationError(
      `Target ${id}: the local EventBridge delivers to SQS queues, Lambda functions and event buses, not to ${kind.service} (${arn}).`,
    );
  const c = new Constraints();
  const input = compileTargetInput(spec, id, at, c);
  const sqs = optObject(spec, "SqsParameters");
  const messageGroupId = sqs === undefined ? undefined : optString(sqs, "MessageGroupId");
  if (kind.kind === "sqs" && kind.fifo && messageGroupId === undefined)
    throw validationError(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
  if (kind.kind === "bus" && input.mode !== "event")
    throw validationError(
      `Target ${id}: the local EventBridge forwards the whole event to another event bus; Input, InputPath and InputTransformer are not supported for event bus targets.`,
    );
  const deadLetterArn = deadLetterOf(state, spec, id);
  return {
    id,
    arn,
    spec: structuredClone(spec),
    kind,
    input,
    ...(messageGroupId === undefined ? {} : { messageGroupId }),
    retry: retryPolicyOf(spec, at),
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
  };
}

/** RetryPolicy, within AWS's bounds: 0–185 attempts, 60–86,400 seconds (defaults the maximums). */
function retryPolicyOf(spec: JsonObject, at: string): StoredTarget["retry"] {
  const policy = optObject(spec, "RetryPolicy") ?? {};
  const number = (name: string, fallback: number) => {
    const value = policy[name] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value))
      throw serializationError(`RetryPolicy.${name} must be an integer`);
    return value;
  };
  const attempts = number("MaximumRetryAttempts", 185);
  const age = number("MaximumEventAgeInSeconds", 86_400);
  const c = new Constraints();
  c.number(attempts, `${at}.retryPolicy.maximumRetryAttempts`, 0, 185);
  c.number(age, `${at}.retryPolicy.maximumEventAgeInSeconds`, 60, 86_400);
  c.check();
  return { maxAttempts: attempts, maxAgeMs: age * 1000 };
}

function deadLetterOf(state: State, spec: JsonObject, id: string): string | undefined {
  const config = optObject(spec, "DeadLetterConfig");
  const arn = config === undefined ? undefined : optString(config, "Arn");
  if (arn !== undefined && targetKind(state.place, arn)?.kind !== "sqs")
    throw validationError(`Target ${id}: the dead-letter queue ${arn} is not an SQS queue ARN.`);
  return arn;
}

/** Removes targets by id; ids the rule does not have are ignored. */
export function removeTargets(state: State, input: JsonObject): JsonObject {
  const ids = optStringList(input, "Ids");
  const c = new Constraints();
  if (c.required(ids, "ids")) c.count(ids, "ids", 1, 100);
  ids?.forEach((id, i) => {
    checkId(c, id, `ids.${i + 1}.member`);
  });
  c.check();
  const rule = requireRule(state, input, "Rule");
  for (const id of ids ?? []) rule.targets.delete(id);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(state: State, input: JsonObject): JsonObject {
  const rule = requireRule(state, input, "Rule");
  const { items, nextToken } = page([...rule.targets.values()], input, new Constraints());
  return {
    Targets: items.map((t) => structuredClone(t.spec)),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  };
}
