export type { DeliveryDeps } from "./delivery.ts";
export { EventBridgeApiError, TargetDeliveryError } from "./errors.ts";
export type { PutEventsResult, PutEventsResultEntry } from "./events.ts";
export type { DeliveryFailure, EventEnvelope } from "./model.ts";
export {
  createLocalEventBridge,
  type LocalEventBridge,
  type LocalEventBridgeDeps,
  type PutEventsEntry,
} from "./service.ts";
