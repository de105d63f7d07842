import { durationMs } from "../config/duration.ts";
import type { JunctionConfig, StreamConfig } from "../config/schema.ts";
import { eventPatternOf, subscriptionResourceName } from "../inbound/subscription.ts";
import { type TargetResources, targetDefinition } from "../targets/index.ts";
import { type QueuePlan, queuePlan } from "../targets/sqs/index.ts";
import { parseTemplate } from "../templates/index.ts";
import { kvTablePlans } from "./kv-tables.ts";
import type { RulePlan } from "./rules.ts";

/** Everything `junction provision` makes, derived from the config alone (no I/O). */
export interface ProvisionPlan {
  readonly streams: readonly StreamPlan[];
  readonly kvBuckets: readonly string[];
  readonly queues: readonly QueuePlan[];
  readonly tables: readonly TablePlan[];
  readonly buses: readonly string[];
  /** Subscriptions' rules (each targets its queue, which is in `queues`). */
  readonly rules: readonly RulePlan[];
  /** Buses where provisioning looks for rules it made that no subscription names any more. */
  readonly ruleBuses: readonly string[];
  /** Resources whose names depend on the message (`queue: "work-{domain}.fifo"`): not created. */
  readonly skipped: readonly string[];
}

export interface StreamPlan {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly storage: StreamConfig["storage"];
  readonly retention: StreamConfig["retention"];
  readonly replicas: number;
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
  readonly maxMsgs?: number;
  readonly duplicateWindowMs?: number;
}

export interface TablePlan {
  readonly name: string;
  /** Hash key, then the optional range key. */
  readonly keys: readonly { readonly name: string; readonly type: "S" | "N" }[];
  /** A stream with this view type (a kv mirror with `direction: both`). */
  readonly stream?: "NEW_AND_OLD_IMAGES";
  /** TTL on this attribute (a kv mirror's tombstones). */
  readonly ttlAttribute?: string;
}

export function planProvision(config: JunctionConfig): ProvisionPlan {
  const skipped: string[] = [];
  const queues = new Map<string, QueuePlan>();
  const tables = new Map<string, TablePlan>();
  const buses = new Set<string>();
  // Every bus the config touches, `default` included: where stale subscription rules may be left.
  const touched = new Set<string>();
  const constant = (what: string, source: string, note = ""): string | undefined => {
    const parts = parseTemplate(source);
    if (parts.every((p) => p.kind === "text"))
      return parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
    skipped.push(`${what} "${source}" (its name depends on the message${note})`);
    return undefined;
  };
  const addQueue = (source: string, createdOnUse = false) => {
    if (/^https?:\/\//.test(source)) return; // a URL names an existing queue
    const name = constant("sqs queue", source, createdOnUse ? "; the bridge creates it on first use" : "");
    if (name !== undefined && !queues.has(name)) queues.set(name, queuePlan(name));
  };

  const declare: TargetResources = {
    queue: (name, options) => addQueue(name, options?.createdOnUse),
    bus(source) {
      const bus = constant("event bus", source);
      if (bus !== undefined && !bus.startsWith("arn:")) touched.add(bus);
      if (bus !== undefined && bus !== "default" && !bus.startsWith("arn:")) buses.add(bus);
    },
    table(source, key) {
      const name = constant("dynamodb table", source);
      if (name !== undefined && key === undefined) {
        skipped.push(`dynamodb table "${name}" (the route gives no key:, so its key schema is unknown)`);
      } else if (name !== undefined && !tables.has(name)) tables.set(name, tablePlan(name, key ?? {}));
    },
  };
  for (const route of config.routes) {
    for (const target of [...(route.to ?? []), ...(route.reply ? [route.reply] : [])])
      targetDefinition(target.type).resources(target, declare);
  }
  for (const inbound of config.inbound) addQueue(inbound.from.queue);
  // A kv mirror's table has the mirror's layout, whatever a route writing to it would imply.
  for (const table of kvTablePlans(config)) tables.set(table.name, table);
  const rules: RulePlan[] = config.subscriptions.map((subscription) => {
    const name = subscriptionResourceName(subscription);
    addQueue(name);
    if (!subscription.bus.startsWith("arn:")) touched.add(subscription.bus);
    if (subscription.bus !== "default" && !subscription.bus.startsWith("arn:")) buses.add(subscription.bus);
    return { name, bus: subscription.bus, pattern: eventPatternOf(subscription), queue: name };
  });

  return {
    streams: config.streams.map(streamPlan),
    kvBuckets: config.kv.map((kv) => kv.bucket),
    queues: [...queues.values()],
    tables: [...tables.values()],
    buses: [...buses],
    rules,
    ruleBuses: [...touched],
    skipped: [...new Set(skipped)],
  };
}

/** Key attributes from the route's `key`: a number value or a `|number` template makes an N key. */
function tablePlan(name: string, key: Readonly<Record<string, unknown>>): TablePlan {
  const keys = Object.entries(key)
    .slice(0, 2)
    .map(([attr, value]) => ({
      name: attr,
      type:
        typeof value === "number" || (typeof value === "string" && /\|\s*number\s*\}$/.test(value))
          ? "N"
          : "S",
    })) as TablePlan["keys"];
  return { name, keys };
}

function streamPlan(s: StreamConfig): StreamPlan {
  return {
    name: s.name,
    subjects: s.subjects,
    storage: s.storage,
    retention: s.retention,
    replicas: s.replicas,
    ...(s.maxAge === undefined ? {} : { maxAgeMs: durationMs(s.maxAge) }),
    ...(s.maxBytes === undefined ? {} : { maxBytes: s.maxBytes }),
    ...(s.maxMsgs === undefined ? {} : { maxMsgs: s.maxMsgs }),
    ...(s.duplicateWindow === undefined ? {} : { duplicateWindowMs: durationMs(s.duplicateWindow) }),
  };
}
