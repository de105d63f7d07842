import type { Message } from "@aws-sdk/client-sqs";
import {
  type CompiledPattern,
  type InvalidSubjectError,
  matchPattern,
  outsideToken,
  parsePattern,
  validateSubject,
} from "@junction/sdk";
import type { SubscriptionConfig } from "../config/inbound-schema.ts";
import { MappingError } from "../errors.ts";
import { NATS_RESOURCE_PREFIX } from "../targets/eventbridge/index.ts";
import { jsonPath } from "../targets/message.ts";
import type { TemplateValue } from "../templates/index.ts";
import { restoreIdentity } from "./attributes.ts";
import type { Mapped } from "./poller.ts";

/** The rule and queue a subscription owns. */
export function subscriptionResourceName(subscription: Pick<SubscriptionConfig, "name">): string {
  return `junction-${subscription.name}`;
}

type Pattern = { [key: string]: Pattern | unknown[] };

/**
 * The EventBridge pattern of a subscription: its sources and detail types (`*` becomes a wildcard
 * filter), and for the subject either the event fields its `{captures}` are read from (they must
 * exist) or, when it has bare `*` / `>` wildcards, a wildcard filter on `detail.subject`. EventBridge's
 * `*` also spans dots, so the bridge checks the subject itself again with NATS's rules.
 */
export function eventPatternOf(subscription: SubscriptionConfig): Pattern {
  const pattern: Pattern = {};
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  if (subscription.source !== undefined) pattern.source = list(subscription.source);
  if (subscription.detailType !== undefined) {
    pattern["detail-type"] = list(subscription.detailType).map((t) =>
      t.includes("*") ? { wildcard: t } : t,
    );
  }
  const subject = parsePattern(subscription.subject);
  if (needsDetailSubject(subject)) {
    const wildcard = subject.tokens.map((t) => (t.kind === "literal" ? t.value : "*")).join(".");
    setPath(pattern, ["detail", "subject"], [{ wildcard }]);
  } else {
    for (const name of subject.captures)
      setPath(pattern, capturePath(subscription, name), [{ exists: true }]);
  }
  return mergePatterns(pattern, (subscription.pattern ?? {}) as Pattern);
}

/** A subject with bare wildcards can only be taken from the event, never built from it. */
function needsDetailSubject(subject: CompiledPattern): boolean {
  return subject.tokens.some((t) => t.kind !== "literal" && t.capture === undefined);
}

function capturePath(subscription: SubscriptionConfig, name: string): string[] {
  return (subscription.captures?.[name] ?? `detail.${name}`).split(".");
}

function setPath(pattern: Pattern, path: readonly string[], value: unknown[]): void {
  let node = pattern;
  for (const key of path.slice(0, -1)) {
    let next = node[key];
    if (next === undefined || Array.isArray(next)) {
      next = {};
      node[key] = next;
    }
    node = next;
  }
  node[path[path.length - 1] as string] = value;
}

function mergePatterns(a: Pattern, b: Pattern): Pattern {
  const out: Pattern = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] =
      mine !== undefined &&
      !Array.isArray(mine) &&
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value)
        ? mergePatterns(mine, value as Pattern)
        : (value as Pattern | unknown[]);
  }
  return out;
}

interface EventEnvelope {
  readonly id?: string;
  readonly resources?: unknown;
  readonly [key: string]: unknown;
}

const encoder = new TextEncoder();

/**
 * Turns an EventBridge event, as the rule's SQS target delivered it, into a NATS message on the subject
 * it describes. Dropped: events the bridge itself put on the bus from NATS (loop prevention) and events
 * whose `detail.subject` the subscription's pattern does not cover.
 */
export function subscriptionMapper(subscription: SubscriptionConfig): (message: Message) => Mapped {
  const pattern = parsePattern(subscription.subject);
  const fromEvent = needsDetailSubject(pattern);
  const origin = `eventbridge:${subscription.bus}`;
  return (message) => {
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.Body ?? "") as EventEnvelope;
    } catch (err) {
      throw new MappingError(`message is not an EventBridge event (${(err as Error).message})`, {
        cause: err,
      });
    }
    const resources = Array.isArray(event.resources) ? event.resources : [];
    const echo = resources.find((r) => typeof r === "string" && r.startsWith(NATS_RESOURCE_PREFIX));
    if (echo !== undefined) return { kind: "drop", reason: `published by Junction from NATS (${echo})` };

    let subject: string;
    if (fromEvent) {
      const named = (event.detail as { subject?: unknown } | undefined)?.subject;
      if (typeof named !== "string" || matchPattern(pattern, named) === undefined) {
        return {
          kind: "drop",
          reason: `detail.subject ${JSON.stringify(named)} is not under ${subscription.subject}`,
        };
      }
      subject = named;
    } else {
      subject = pattern.tokens
        .map((t) => {
          if (t.kind === "literal") return t.value;
          const path = capturePath(subscription, t.capture as string);
          const value = jsonPath(event as TemplateValue, path.join("."));
          if (typeof value !== "string" && typeof value !== "number")
            throw new MappingError(`event field ${path.join(".")} is not a string or number`);
          try {
            return outsideToken(String(value));
          } catch (err) {
            const { reason } = err as InvalidSubjectError; // all outsideToken throws
            throw new MappingError(`event field ${path.join(".")} cannot be a subject token: ${reason}`, {
              cause: err,
            });
          }
        })
        .join(".");
    }
    try {
      validateSubject(subject);
    } catch (err) {
      throw new MappingError(`the event gives no valid subject: ${(err as Error).message}`, { cause: err });
    }
    if (matchPattern(pattern, subject) === undefined)
      throw new MappingError(`the event gives "${subject}", which is not under ${subscription.subject}`);
    const data = subscription.data === "$event" ? event : jsonPath(event as TemplateValue, subscription.data);
    const id = typeof event.id === "string" && event.id !== "" ? event.id : (message.MessageId ?? "");
    return {
      kind: "publish",
      publication: {
        subject,
        data: encoder.encode(JSON.stringify(data)),
        ...restoreIdentity(message, id, origin),
      },
    };
  };
}
