import type { Logger } from "@junction/sdk/telemetry";

/** The part of the SDK's logger interface the gateway uses; pass pino itself or a child of it. */
export type GatewayLogger = Pick<Logger, "info" | "warn" | "error" | "isLevelEnabled">;
