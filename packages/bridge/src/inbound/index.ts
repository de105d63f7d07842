export { type AwsInbound, type AwsInboundDeps, createAwsInbound } from "./inbound.ts";
export { createInboundMetrics, type InboundMetrics } from "./metrics.ts";
export { type Mapped, type Poller, type PollerOptions, type Publication, startPoller } from "./poller.ts";
export { queueMapper } from "./queue.ts";
export { eventPatternOf, subscriptionMapper, subscriptionResourceName } from "./subscription.ts";
