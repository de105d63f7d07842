import type { JunctionJetStream } from "@junction/sdk/jetstream";

// nats.js types reached through the SDK's, so the bridge needs no direct @nats-io dependency.
export type JetStreamClient = JunctionJetStream["js"];
export type JetStreamManager = Awaited<ReturnType<JunctionJetStream["manager"]>>;
export type Consumer = Awaited<ReturnType<JetStreamClient["consumers"]["get"]>>;
export type ConsumerMessages = Awaited<ReturnType<Consumer["fetch"]>>;
export type JsMsg = ConsumerMessages extends AsyncIterable<infer M> ? M : never;
export type MsgHeaders = NonNullable<JsMsg["headers"]>;
