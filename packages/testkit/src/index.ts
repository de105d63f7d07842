/**
 * Real servers on 127.0.0.1 random ports, for tests only. Every handle cleans up after a failed test
 * when registered right after creation:
 *
 *   const nats = await startTestNats();
 *   t.after(() => nats.dispose());
 *
 * or, since tsx lowers `await using` on Node 20:
 *
 *   await using nats = await startTestNats();
 */
export {
  startTestCluster,
  type TestCluster,
  type TestClusterNode,
  type TestClusterOptions,
} from "./cluster.ts";
export {
  DynamoDbLocalStartError,
  startDynamoDbLocal,
  type TestDynamoDbLocal,
} from "./dynamodb-local.ts";
export { TestkitDisposedError, TestkitTimeoutError } from "./errors.ts";
export { freePorts } from "./free-ports.ts";
export { DEFAULT_FUZZ_SEED, fuzzParameters } from "./fuzz.ts";
export { type JunctionProcess, spawnJunction } from "./junction-process.ts";
export {
  type JunctionUp,
  type JunctionUpOptions,
  startJunctionUp,
  type UpEndpoints,
} from "./junction-up.ts";
export { getMonitoring, type Jsz, type Routez } from "./monitoring.ts";
export { startTestNats, type TestNats, type TestNatsOptions } from "./nats.ts";
export {
  NATS_AUTH_MODES,
  type NatsAuthMode,
  type NatsSection,
  type SecuredNats,
  startSecuredNats,
} from "./secured-nats.ts";
export { readServerInfo } from "./server-info.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { type WaitForOptions, waitFor } from "./wait-for.ts";
