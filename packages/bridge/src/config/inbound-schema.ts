import { z } from "zod";

// AWS → NATS: `inbound:` (SQS queues polled into JetStream) and `subscriptions:` (EventBridge events
// brought back onto the NATS subjects they describe, through a rule and a queue the bridge owns).

const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '-' or '_'");
const StringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** How the bridge polls an SQS queue; shared by inbound queues and subscription queues. */
const PollingFields = {
  pollers: z
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe("Long-polling receivers per queue (FIFO: groups are spread over them, each group in order)."),
  waitSeconds: z.int().min(0).max(20).default(20).describe("ReceiveMessage long-poll wait."),
  visibilitySeconds: z
    .int()
    .min(5)
    .max(43_200)
    .default(30)
    .describe(
      "Visibility timeout of each receive; extended while a publish is slow. A message that cannot be published comes back after it.",
    ),
};

export const InboundSchema = z
  .strictObject({
    name: Name,
    from: z.strictObject({
      type: z.literal("sqs"),
      queue: z.string().min(1).describe("Queue name or URL to poll."),
    }),
    to: z
      .string()
      .min(1)
      .describe(
        "NATS subject (template over `{$attr.Name}`, `{$json.path}`, `{$body}`, `{$id}`); a JetStream stream must capture it.",
      ),
    ...PollingFields,
  })
  .describe(
    "SQS → NATS: each message is published into JetStream (dedup id = SQS message id) and deleted once stored.",
  );

export const SubscriptionSchema = z
  .strictObject({
    name: Name.describe("Names the rule and queue the bridge creates: `junction-<name>`."),
    bus: z.string().min(1).default("default").describe("Event bus name."),
    subject: z
      .string()
      .min(1)
      .describe(
        "NATS subject the events are published on: `{name}` tokens come from the event (see `captures`); with `*` or `>` the event must name its subject in `detail.subject`.",
      ),
    source: StringOrList.optional().describe("Event `source` to take (one or a list); default any."),
    detailType: StringOrList.optional().describe(
      "Event `detail-type` to take (one or a list; `*` is a wildcard, e.g. `Agent *`); default any.",
    ),
    captures: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe(
        "Where each `{name}` of `subject` is read in the event, as a dotted path (`detail.type`); default `detail.<name>`.",
      ),
    data: z
      .string()
      .min(1)
      .default("detail")
      .describe(
        "The message payload: a dotted path in the event (`detail`, `detail.payload`), or `$event` for the whole event.",
      ),
    pattern: z
      .record(z.string(), z.json())
      .optional()
      .describe("More EventBridge pattern fields, merged into the one derived from the above."),
    ...PollingFields,
  })
  .describe(
    "EventBridge → NATS: a rule on the bus sends matching events to a queue the bridge creates and polls.",
  );

export type InboundConfig = z.output<typeof InboundSchema>;
export type SubscriptionConfig = z.output<typeof SubscriptionSchema>;
