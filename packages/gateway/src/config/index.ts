// The gateway's config: schema (with its defaults), types and checks. No fastify, no I/O: the bridge's
// config loader composes it into junction.yaml (`@junction/gateway/config`).
export {
  type CheckOptions,
  checkCredentials,
  checkGatewayConfig,
  formatGatewayPath,
  type GatewayConfigPath,
  type GatewayProblem,
} from "./check.ts";
export { type CheckedSections, checkGatewaySections, type ReportAt } from "./check-served.ts";
export { isLoopbackListen, LOOPBACK } from "./listen.ts";
export {
  type GatewaySections,
  operationConsumer,
  operationPath,
  operationRoutes,
  servedGateway,
} from "./operation-routes.ts";
export { type OperationConfig, OperationSchema } from "./operations-schema.ts";
export {
  type ApiKeyConfig,
  type CredentialsConfig,
  CredentialsSchema,
  type GatewayAuthConfig,
  type GatewayConfig,
  type GatewayConfigInput,
  GatewayConfigSchema,
  type GatewayRoute,
  GatewaySchema,
  type GatewaySection,
  type HttpMethod,
  type JwtConfig,
} from "./schema.ts";
