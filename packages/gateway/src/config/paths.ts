/** Paths the gateway serves itself; the config check keeps routes off them. */
export const OPS_PATHS = ["/healthz", "/readyz", "/metrics", "/openapi.json"] as const;

/** The `:name` parameters of a fastify path. */
export function pathParams(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s.startsWith(":"))
    .map((s) => s.slice(1));
}
