/**
 * The NATS subjects a Junction client publishes and subscribes to, per mechanism, so that a process
 * can run as a user with exactly these rights (a nats-server `permissions` block). Each mechanism
 * lists what nats.js sends for it: JetStream API requests (`$JS.API.…`), acks (`$JS.ACK.…`), flow
 * control replies (`$JS.FC.…`), KV writes (`$KV.…`); replies come back on the client's inbox.
 */
export interface NatsPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** Publish to the reply subject of a request received (services answering requests). */
  readonly allowResponses?: boolean;
}

/** The union of permission sets, each subject once, in first-seen order. */
export function mergePermissions(...sets: readonly NatsPermissions[]): NatsPermissions {
  const unique = (lists: (readonly string[])[]) => [...new Set(lists.flat())];
  return {
    publish: unique(sets.map((s) => s.publish)),
    subscribe: unique(sets.map((s) => s.subscribe)),
    ...(sets.some((s) => s.allowResponses === true) ? { allowResponses: true } : {}),
  };
}

/** Every connected client: replies (requests, JetStream API calls, pull batches) arrive on its inbox. */
export function clientPermissions(): NatsPermissions {
  return { publish: ["$JS.API.INFO"], subscribe: ["_INBOX.>"] };
}

/** Reading a stream's configuration; with `create`, creating or updating it too. */
export function streamPermissions(
  stream: string,
  options: { readonly create?: boolean } = {},
): NatsPermissions {
  return {
    publish: [
      `$JS.API.STREAM.INFO.${stream}`,
      ...(options.create === true
        ? [`$JS.API.STREAM.CREATE.${stream}`, `$JS.API.STREAM.UPDATE.${stream}`]
        : []),
    ],
    subscribe: [],
  };
}

/** A durable pull consumer: create or update it, read its state, pull batches, ack / nak / term. */
export function durableConsumerPermissions(stream: string, durable: string): NatsPermissions {
  return {
    publish: [
      `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
      `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
      `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
      `$JS.ACK.${stream}.${durable}.>`,
    ],
    subscribe: [],
  };
}

/** Ordered (ephemeral) consumers on a stream, as KV watches and stream readers create them. */
export function orderedConsumerPermissions(stream: string): NatsPermissions {
  return {
    publish: [
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.INFO.${stream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
      `$JS.API.CONSUMER.DELETE.${stream}.>`,
      `$JS.FC.${stream}.>`,
      `$JS.ACK.${stream}.>`,
    ],
    subscribe: [],
  };
}

/** Publishing into JetStream on `subject` (a pattern): the PubAck comes back on the inbox. */
export function jetStreamPublishPermissions(subject: string): NatsPermissions {
  return { publish: [subject], subscribe: [] };
}

/** A KV bucket: open (and with `create`, create) it, read keys; `write` puts; `watch` watches or reads history. */
export function kvPermissions(
  bucket: string,
  options: { readonly create?: boolean; readonly write?: boolean; readonly watch?: boolean } = {},
): NatsPermissions {
  const stream = `KV_${bucket}`;
  return mergePermissions(
    streamPermissions(stream, { create: options.create === true }),
    {
      publish: [
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        ...(options.write === true ? [`$KV.${bucket}.>`] : []),
      ],
      subscribe: [],
    },
    options.watch === true ? orderedConsumerPermissions(stream) : { publish: [], subscribe: [] },
  );
}

/**
 * Durable request/reply (`durableRequest`, and `durableResponder` for the worker side): the command
 * published into JetStream, its outcome read (and watched) in the outcome bucket, created if missing.
 * The bucket is the JetStream handle's default unless the caller names another.
 */
export function durableRequestPermissions(subject: string, outcomes = "JUNCTION_OUTCOMES"): NatsPermissions {
  return mergePermissions(
    jetStreamPublishPermissions(subject),
    kvPermissions(outcomes, { create: true, watch: true }),
  );
}
