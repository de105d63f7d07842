export { type CausationNode, type CausationTree, causationTree } from "./causation.ts";
export { deliverReplay, ReplayOfHeader, type ReplayTarget } from "./deliver.ts";
export { DEFAULT_FLOW_SCAN_LIMIT, type Flow, type FlowReadOptions, readFlow } from "./flow.ts";
export { readStream, type StreamRead, type StreamReadOptions } from "./read.ts";
export {
  createReplay,
  type RangeOptions,
  type Replay,
  type ReplayConfig,
  type ReplayResult,
} from "./replay.ts";
export { compareStored, type StoredMessage } from "./stored.ts";
