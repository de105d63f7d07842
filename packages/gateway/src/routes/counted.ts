import type { FastifyReply, FastifyRequest } from "fastify";

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Counts a handler as running from start to end, so a drain can wait for it. */
export function counted(work: { busy: number }, handler: Handler): Handler {
  return async (req, reply) => {
    work.busy++;
    try {
      return await handler(req, reply);
    } finally {
      work.busy--;
    }
  };
}
