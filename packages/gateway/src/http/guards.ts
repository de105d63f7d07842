import type { FastifyInstance } from "fastify";
import { MethodNotAllowedError, RouteNotFoundError } from "../errors.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * A path that exists answers every other method with 405 and its `Allow` list (OPTIONS: 204 with the
 * list), and an unknown path is 404: fastify alone answers both with 404.
 */
export function registerGuards(
  app: FastifyInstance,
  methodsByPath: ReadonlyMap<string, readonly string[]>,
): void {
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, "OPTIONS"];
    const others = METHODS.filter((m) => !methods.includes(m));
    app.route({
      method: others,
      url: path,
      config: { guard: true },
      handler: async (req, reply) => {
        if (req.method === "OPTIONS") return reply.code(204).header("allow", allow.join(", ")).send();
        throw new MethodNotAllowedError(req.method, allow);
      },
    });
  }
  app.setNotFoundHandler(async (req) => {
    throw new RouteNotFoundError(req.method, req.url.split("?")[0] ?? "/");
  });
}
