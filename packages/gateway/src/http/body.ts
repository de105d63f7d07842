import type { FastifyInstance, FastifyRequest } from "fastify";
import { BadRequestError } from "../errors.ts";

/** A request body as it arrived: the bytes are what NATS gets. */
type Body = Buffer;

/** What a request sends to NATS. */
export interface Payload {
  readonly data: Uint8Array | undefined;
  readonly contentType: string | undefined;
}

const NONE: Payload = { data: undefined, contentType: undefined };
const JSON_TYPE = "application/json";
// `fatal`: invalid UTF-8 is refused, not turned into U+FFFD and forwarded as if it were fine.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bodies are read as bytes, never re-encoded on the way to NATS: JSON is parsed only to refuse what is
 * not JSON or not UTF-8 (400) and to give a route's JSON Schema something to validate; protobuf, text
 * and any other content type pass through as they are, with their `Content-Type`.
 */
export function createBodies(app: FastifyInstance) {
  const bodies = new WeakMap<FastifyRequest, Body>();
  app.removeAllContentTypeParsers();
  const parseJson = (req: FastifyRequest, raw: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    if (raw.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = UTF8.decode(raw);
    } catch (err) {
      const reason = "JSON must be UTF-8 (RFC 8259)";
      return done(
        new BadRequestError("the body is not valid UTF-8", [{ in: "body", name: "/", reason }], {
          cause: err,
        }),
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return done(
        new BadRequestError("the body is not valid JSON", [
          { in: "body", name: "/", reason: (err as Error).message },
        ]),
        undefined,
      );
    }
    bodies.set(req, raw);
    done(null, value);
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parseJson);
  app.addContentTypeParser(/^application\/[^;]*\+json/i, { parseAs: "buffer" }, parseJson);
  app.addContentTypeParser("*", { parseAs: "buffer" }, (req, raw: Buffer, done) => {
    if (raw.length > 0) bodies.set(req, raw);
    done(null, undefined);
  });

  return {
    /**
     * The payload for NATS: the body as it came; without a body, the query string as a JSON object (its
     * values typed by the route's query schema, if any), or nothing.
     */
    payloadOf(req: FastifyRequest): Payload {
      const body = bodies.get(req);
      if (body !== undefined) return { data: body, contentType: req.headers["content-type"] };
      if (req.url.includes("?")) {
        const query = req.query as Record<string, unknown>;
        for (const _ in query) return { data: Buffer.from(JSON.stringify(query)), contentType: JSON_TYPE };
      }
      return NONE;
    },
  };
}

export type Bodies = ReturnType<typeof createBodies>;
