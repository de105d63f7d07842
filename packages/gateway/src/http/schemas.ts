import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifyInstance } from "fastify";

/**
 * Route schemas check requests; they never change them (fastify's defaults would strip keys that
 * `additionalProperties: false` forbids, coerce types and fill in defaults). A body is validated as it
 * came and goes to NATS byte for byte. A query string has only strings, so its values are coerced to
 * the schema's types: that is the query a service receives as JSON. Every error is listed, not just
 * the first.
 */
export function useCheckingSchemas(app: FastifyInstance): void {
  const build = AjvCompiler();
  const strict = { allErrors: true, removeAdditional: false, useDefaults: false } as const;
  const body = build({}, { customOptions: { ...strict, coerceTypes: false } });
  const query = build({}, { customOptions: { ...strict, coerceTypes: "array" } });
  app.setValidatorCompiler((route) => (route.httpPart === "querystring" ? query : body)(route));
}
