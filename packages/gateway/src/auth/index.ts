// Credential checks (API keys, JWTs) without fastify, for other listeners of the process: the bridge's
// ops listener (`ops.auth`) reuses them (`@junction/gateway/auth`).

export { ForbiddenError, UnauthorizedError } from "../errors.ts";
export type { ConfigProblems } from "./api-keys.ts";
export {
  type Authenticator,
  type AuthRequest,
  createAuthenticator,
  type RouteAuth,
} from "./authenticate.ts";
export { type Principal, principalHeader } from "./principal.ts";
