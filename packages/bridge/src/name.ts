import { z } from "zod";

/** The name of a route, stream, KV bucket or function: also a NATS consumer or stream name. */
export const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '-' or '_'");
