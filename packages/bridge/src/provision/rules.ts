import { isDeepStrictEqual } from "node:util";
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";
import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** A subscription's rule: events matching `pattern` on `bus` go to the queue `queue`. */
export interface RulePlan {
  readonly name: string;
  readonly bus: string;
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly queue: string;
}

/** Marks the rules provisioning owns, so it removes its own stale rules and nobody else's. */
export const RULE_DESCRIPTION_PREFIX = "Managed by Junction: subscription ";

/**
 * The rule, its one target (the subscription's queue), and the queue policy that lets EventBridge send
 * to it (real AWS requires one; the local stack ignores it). Answers what changed.
 */
export async function ensureRule(
  eventbridge: EventBridgeClient,
  sqs: SQSClient,
  rule: RulePlan,
  queueUrl: string,
): Promise<"created" | "updated" | "unchanged"> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn", "Policy"] }),
  );
  const queueArn = Attributes?.QueueArn as string;
  let existing: { pattern?: unknown; arn?: string } | undefined;
  try {
    const out = await eventbridge.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: rule.bus }));
    existing = { pattern: JSON.parse(out.EventPattern ?? "null"), ...(out.Arn ? { arn: out.Arn } : {}) };
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const targets =
    existing === undefined
      ? []
      : ((await eventbridge.send(new ListTargetsByRuleCommand({ Rule: rule.name, EventBusName: rule.bus })))
          .Targets ?? []);
  const samePattern = existing !== undefined && isDeepStrictEqual(existing.pattern, rule.pattern);
  const sameTarget = targets.length === 1 && targets[0]?.Arn === queueArn;
  let ruleArn = existing?.arn;
  if (!samePattern) {
    const out = await eventbridge.send(
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: rule.bus,
        EventPattern: JSON.stringify(rule.pattern),
        State: "ENABLED",
        Description: `${RULE_DESCRIPTION_PREFIX}${rule.queue}`,
      }),
    );
    ruleArn = out.RuleArn;
  }
  if (!sameTarget) {
    const stale = targets.filter((t) => t.Arn !== queueArn).map((t) => t.Id as string);
    if (stale.length > 0)
      await eventbridge.send(
        new RemoveTargetsCommand({ Rule: rule.name, EventBusName: rule.bus, Ids: stale }),
      );
    await eventbridge.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: rule.bus,
        Targets: [{ Id: "queue", Arn: queueArn }],
      }),
    );
  }
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "junction-eventbridge",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        ...(ruleArn === undefined ? {} : { Condition: { ArnEquals: { "aws:SourceArn": ruleArn } } }),
      },
    ],
  });
  if (Attributes?.Policy !== policy)
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } }));
  if (existing === undefined) return "created";
  return samePattern && sameTarget ? "unchanged" : "updated";
}

/** Deletes the rules Junction made on `bus` that no subscription names any more; answers their names. */
export async function removeStaleRules(
  eventbridge: EventBridgeClient,
  bus: string,
  keep: ReadonlySet<string>,
): Promise<string[]> {
  const removed: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await eventbridge.send(
      new ListRulesCommand({
        EventBusName: bus,
        NamePrefix: "junction-",
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    for (const rule of page.Rules ?? []) {
      const name = rule.Name as string;
      if (keep.has(name) || !rule.Description?.startsWith(RULE_DESCRIPTION_PREFIX)) continue;
      const { Targets = [] } = await eventbridge.send(
        new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }),
      );
      if (Targets.length > 0)
        await eventbridge.send(
          new RemoveTargetsCommand({
            Rule: name,
            EventBusName: bus,
            Ids: Targets.map((t) => t.Id as string),
          }),
        );
      await eventbridge.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
      removed.push(name);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return removed;
}
