import { DEFAULT_BUS, ruleArn } from "./arns.ts";
import { requireBus, type State } from "./buses.ts";
import {
  Constraints,
  type JsonObject,
  NAME_PATTERN,
  NAME_PATTERN_TEXT,
  optBoolean,
  optString,
  page,
} from "./constraints.ts";
import { ruleNotFound, validationError } from "./errors.ts";
import type { Rule, RuleState } from "./model.ts";
import { compileEventPattern } from "./pattern/index.ts";

const STATES: readonly RuleState[] = ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];

function checkName(c: Constraints, name: string | undefined, at: string): void {
  if (c.required(name, at))
    c.string(name, at, { min: 1, max: 64, pattern: NAME_PATTERN, patternText: NAME_PATTERN_TEXT });
}

/** The rule `Name` (or `Rule`, in the target operations) on `EventBusName`. */
export function requireRule(state: State, input: JsonObject, key: "Name" | "Rule"): Rule {
  const name = optString(input, key);
  const busName = optString(input, "EventBusName");
  const c = new Constraints();
  checkName(c, name, key === "Name" ? "name" : "rule");
  c.string(busName, "eventBusName", { min: 1, max: 1600 });
  c.check();
  const bus = requireBus(state, busName);
  const rule = bus.rules.get(name as string);
  if (rule === undefined) throw ruleNotFound(name as string, bus.name);
  return rule;
}

/**
 * Creates or replaces a rule. As on AWS, an update replaces every member (an omitted State makes the
 * rule ENABLED again) but keeps the targets. Schedules are validated and stored; the local
 * EventBridge never fires them.
 */
export function putRule(state: State, input: JsonObject): JsonObject {
  const name = optString(input, "Name");
  const busName = optString(input, "EventBusName");
  const eventPattern = optString(input, "EventPattern");
  const schedule = optString(input, "ScheduleExpression");
  const ruleState = optString(input, "State");
  const description = optString(input, "Description");
  const roleArn = optString(input, "RoleArn");
  const c = new Constraints();
  checkName(c, name, "name");
  c.string(busName, "eventBusName", { min: 1, max: 1600 });
  c.string(eventPattern, "eventPattern", { max: 4096 });
  c.string(schedule, "scheduleExpression", { max: 256 });
  c.string(ruleState, "state", { values: STATES });
  c.string(description, "description", { max: 512 });
  c.string(roleArn, "roleArn", { min: 1, max: 1600 });
  c.check();
  if (eventPattern === undefined && schedule === undefined)
    throw validationError("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  const bus = requireBus(state, busName);
  if (schedule !== undefined) {
    if (bus.name !== DEFAULT_BUS)
      throw validationError("ScheduleExpression is supported only on the default event bus.");
    if (!validSchedule(schedule)) throw validationError("Parameter ScheduleExpression is not valid.");
  }
  // Compiled once here; an invalid pattern throws InvalidEventPatternError (InvalidEventPatternException).
  const pattern = eventPattern === undefined ? undefined : compileEventPattern(eventPattern);
  const ruleName = name as string;
  const rule: Rule = {
    name: ruleName,
    arn: ruleArn(state.place, bus.name, ruleName),
    bus: bus.name,
    ...(eventPattern === undefined ? {} : { eventPattern }),
    ...(pattern === undefined ? {} : { pattern }),
    ...(schedule === undefined ? {} : { scheduleExpression: schedule }),
    state: (ruleState as RuleState | undefined) ?? "ENABLED",
    ...(description === undefined ? {} : { description }),
    ...(roleArn === undefined ? {} : { roleArn }),
    targets: bus.rules.get(ruleName)?.targets ?? new Map(),
  };
  bus.rules.set(ruleName, rule);
  return { RuleArn: rule.arn };
}

// rate(1 minute) / rate(5 minutes) (singular exactly when the value is 1), or cron with 6 fields
// ("Creating a rule that runs on a schedule", user guide).
function validSchedule(expression: string): boolean {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    return value > 0 && (value === 1) === (rate[3] === "");
  }
  const cron = /^cron\(([^()]+)\)$/.exec(expression);
  return cron !== null && (cron[1] as string).trim().split(/\s+/).length === 6;
}

function summary(rule: Rule): JsonObject {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern === undefined ? {} : { EventPattern: rule.eventPattern }),
    ...(rule.scheduleExpression === undefined ? {} : { ScheduleExpression: rule.scheduleExpression }),
    State: rule.state,
    ...(rule.description === undefined ? {} : { Description: rule.description }),
    ...(rule.roleArn === undefined ? {} : { RoleArn: rule.roleArn }),
    EventBusName: rule.bus,
  };
}

export function describeRule(state: State, input: JsonObject): JsonObject {
  return { ...summary(requireRule(state, input, "Name")), CreatedBy: state.place.accountId };
}

export function listRules(state: State, input: JsonObject): JsonObject {
  const prefix = optString(input, "NamePrefix");
  const busName = optString(input, "EventBusName");
  const c = new Constraints();
  c.string(prefix, "namePrefix", { min: 1, max: 64, pattern: NAME_PATTERN, patternText: NAME_PATTERN_TEXT });
  c.string(busName, "eventBusName", { min: 1, max: 1600 });
  c.check();
  const rules = [...requireBus(state, busName).rules.values()]
    .filter((rule) => prefix === undefined || rule.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { items, nextToken } = page(rules, input, c);
  return { Rules: items.map(summary), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
}

/**
 * AWS refuses to delete a rule that still has targets ("Rule can't be deleted since it has
 * targets.") unless `Force` is set; deleting a rule that does not exist succeeds.
 */
export function deleteRule(state: State, input: JsonObject): JsonObject {
  const name = optString(input, "Name");
  const busName = optString(input, "EventBusName");
  const force = optBoolean(input, "Force") ?? false;
  const c = new Constraints();
  checkName(c, name, "name");
  c.string(busName, "eventBusName", { min: 1, max: 1600 });
  c.check();
  const bus = requireBus(state, busName);
  const rule = bus.rules.get(name as string);
  if (rule === undefined) return {};
  if (rule.targets.size > 0 && !force) throw validationError("Rule can't be deleted since it has targets.");
  bus.rules.delete(rule.name);
  return {};
}

export function setRuleState(state: State, input: JsonObject, ruleState: RuleState): JsonObject {
  requireRule(state, input, "Name").state = ruleState;
  return {};
}
