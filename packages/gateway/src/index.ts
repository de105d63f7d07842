export * from "./auth/index.ts";
export * from "./config/index.ts";
export {
  AlreadyStartedError,
  BadRequestError,
  DrainingError,
  ForbiddenError,
  GatewayConfigError,
  GatewayErrorCode,
  type InvalidParam,
  MethodNotAllowedError,
  OverloadedError,
  RouteNotFoundError,
  UnauthorizedError,
} from "./errors.ts";
export { createGateway, type Gateway, type GatewayDeps } from "./gateway.ts";
export { PROBLEM_BASE, PROBLEM_CONTENT_TYPE } from "./http/problem.ts";
export type { GatewayLogger } from "./logger.ts";
export { openApiDocument } from "./ops/openapi.ts";
export { gatewayPermissions } from "./permissions.ts";
