import { isDeepStrictEqual } from "node:util";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException as TableNotFound,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  ResourceNotFoundException as BusNotFound,
  CreateEventBusCommand,
  DescribeEventBusCommand,
  type EventBridgeClient,
} from "@aws-sdk/client-eventbridge";
import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type JunctionClient, JunctionError } from "@junction/sdk";
import { ensureQueue } from "../targets/sqs/index.ts";
import { ensureTableFeatures } from "./kv-tables.ts";
import type { ProvisionPlan, StreamPlan, TablePlan } from "./plan.ts";
import { ensureRule, removeStaleRules } from "./rules.ts";

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
}

export type ProvisionOutcome = "created" | "updated" | "unchanged" | "removed";

export interface ProvisionAction {
  readonly kind: "stream" | "kv bucket" | "queue" | "table" | "event bus" | "rule";
  readonly name: string;
  readonly outcome: ProvisionOutcome;
  readonly detail?: string;
}

/** Some resources could not be provisioned; the others were. Lists every failure. */
export class ProvisionError extends JunctionError {
  readonly failures: readonly { readonly kind: string; readonly name: string; readonly error: unknown }[];
  constructor(failures: ProvisionError["failures"]) {
    super(
      "ERR_PROVISION",
      `could not provision ${failures.length} resource(s):\n${failures
        .map((f) => `${f.kind} ${f.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`)
        .join("\n")}`,
    );
    this.failures = failures;
  }
}

/**
 * Creates what the plan lists, or brings it to the planned settings; leaves the rest alone. Idempotent:
 * a second run reports everything `unchanged`. NATS or AWS may be left out (only that part is done).
 */
export async function applyProvision(
  plan: ProvisionPlan,
  targets: { readonly nats?: JunctionClient; readonly aws?: AwsClients },
  onAction: (action: ProvisionAction) => void = () => {},
): Promise<ProvisionAction[]> {
  const actions: ProvisionAction[] = [];
  const failures: { kind: string; name: string; error: unknown }[] = [];
  const run = async (
    kind: ProvisionAction["kind"],
    name: string,
    fn: () => Promise<Omit<ProvisionAction, "kind" | "name">>,
  ) => {
    try {
      const action = { kind, name, ...(await fn()) };
      actions.push(action);
      onAction(action);
    } catch (error) {
      failures.push({ kind, name, error });
    }
  };

  if (targets.nats) {
    const js = targets.nats.jetstream();
    const jsm = await js.manager();
    for (const stream of plan.streams) {
      await run("stream", stream.name, async () => {
        const before = await jsm.streams.info(stream.name).catch(() => undefined);
        const after = await js.ensureStream(streamSpec(stream));
        if (before === undefined) return { outcome: "created" };
        return { outcome: isDeepStrictEqual(before.config, after.config) ? "unchanged" : "updated" };
      });
    }
    for (const bucket of plan.kvBuckets) {
      await run("kv bucket", bucket, async () => {
        const existed = await jsm.streams.info(`KV_${bucket}`).then(
          () => true,
          () => false,
        );
        await targets.nats?.kv(bucket);
        return { outcome: existed ? "unchanged" : "created" };
      });
    }
  }
  if (targets.aws) {
    const { sqs, dynamodb, eventbridge } = targets.aws;
    for (const queue of plan.queues) {
      await run("queue", queue.name, async () => {
        const { url: _, ...action } = await ensureQueue(sqs, queue);
        return action;
      });
    }
    for (const table of plan.tables)
      await run("table", table.name, async () =>
        ensureTableFeatures(dynamodb, table, await ensureTable(dynamodb, table)),
      );
    for (const bus of plan.buses) {
      await run("event bus", bus, async () => {
        try {
          await eventbridge.send(new DescribeEventBusCommand({ Name: bus }));
          return { outcome: "unchanged" };
        } catch (err) {
          if (!(err instanceof BusNotFound)) throw err;
          await eventbridge.send(new CreateEventBusCommand({ Name: bus }));
          return { outcome: "created" };
        }
      });
    }
  }
  if (targets.aws) {
    const { sqs, eventbridge } = targets.aws;
    for (const rule of plan.rules) {
      await run("rule", `${rule.name} (bus ${rule.bus})`, async () => {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: rule.queue }));
        const outcome = await ensureRule(eventbridge, sqs, rule, QueueUrl as string);
        return { outcome, detail: `events matching ${JSON.stringify(rule.pattern)} → queue ${rule.queue}` };
      });
    }
    const keep = new Set(plan.rules.map((r) => r.name));
    for (const bus of plan.ruleBuses) {
      try {
        for (const name of await removeStaleRules(eventbridge, bus, keep)) {
          const action: ProvisionAction = { kind: "rule", name: `${name} (bus ${bus})`, outcome: "removed" };
          actions.push(action);
          onAction(action);
        }
      } catch (error) {
        // A bus that does not exist has no stale rules.
        if (!(error instanceof BusNotFound))
          failures.push({ kind: "rule", name: `stale rules on ${bus}`, error });
      }
    }
  }
  if (failures.length > 0) throw new ProvisionError(failures);
  return actions;
}

function streamSpec(s: StreamPlan) {
  const nanos = (ms: number) => ms * 1_000_000;
  return {
    name: s.name,
    subjects: [...s.subjects],
    storage: s.storage,
    retention: s.retention,
    num_replicas: s.replicas,
    ...(s.maxAgeMs === undefined ? {} : { max_age: nanos(s.maxAgeMs) }),
    ...(s.maxBytes === undefined ? {} : { max_bytes: s.maxBytes }),
    ...(s.maxMsgs === undefined ? {} : { max_msgs: s.maxMsgs }),
    ...(s.duplicateWindowMs === undefined ? {} : { duplicate_window: nanos(s.duplicateWindowMs) }),
  } as Parameters<ReturnType<JunctionClient["jetstream"]>["ensureStream"]>[0];
}

async function ensureTable(
  dynamodb: DynamoDBClient,
  table: TablePlan,
): Promise<Omit<ProvisionAction, "kind" | "name">> {
  try {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    const have = (Table?.KeySchema ?? []).map((k) => k.AttributeName).join(", ");
    const want = table.keys.map((k) => k.name).join(", ");
    return have === want
      ? { outcome: "unchanged" }
      : { outcome: "unchanged", detail: `exists with key (${have}); the routes write key (${want})` };
  } catch (err) {
    if (!(err instanceof TableNotFound)) throw err;
  }
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: table.keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? "HASH" : "RANGE" })),
      AttributeDefinitions: table.keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    }),
  );
  // A new table is CREATING for a while; provisioning is done when it can be written to.
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 120, minDelay: 1 }, { TableName: table.name });
  return { outcome: "created", detail: `key (${table.keys.map((k) => `${k.name} ${k.type}`).join(", ")})` };
}
