import { pathParams } from "../config/paths.ts";
import type { GatewayConfig, GatewayRoute } from "../config/schema.ts";
import { PROBLEM_BASE } from "../http/problem.ts";

/**
 * An OpenAPI 3.1 document of the configured routes: paths, parameters, the JSON Schemas of bodies and
 * query strings, security, and every error a route can answer (as RFC 9457 problems).
 */
export function openApiDocument(config: GatewayConfig): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const apiKeys = Object.keys(config.auth?.apiKeys ?? {});
  const jwts = Object.keys(config.auth?.jwt ?? {});
  for (const route of config.routes) {
    const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route, config);
  }
  const securitySchemes: Record<string, unknown> = {};
  for (const name of apiKeys) securitySchemes[name] = { type: "apiKey", in: "header", name: "X-Api-Key" };
  for (const name of jwts) securitySchemes[name] = { type: "http", scheme: "bearer", bearerFormat: "JWT" };
  return {
    openapi: "3.1.0",
    info: { title: "Junction gateway", version: "1" },
    paths,
    components: {
      securitySchemes,
      schemas: {
        Problem: {
          type: "object",
          description: `RFC 9457 problem; \`type\` is ${PROBLEM_BASE}<name> (docs/gateway.md).`,
          properties: {
            type: { type: "string", format: "uri" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            instance: { type: "string" },
            code: { type: "string" },
            correlationId: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { in: { type: "string" }, name: { type: "string" }, reason: { type: "string" } },
              },
            },
          },
          required: ["type", "title", "status", "correlationId"],
        },
      },
    },
  };
}

function operation(route: GatewayRoute, config: GatewayConfig): Record<string, unknown> {
  const auth = route.auth ?? config.auth?.default ?? "none";
  const kind = route.request !== undefined ? "request" : route.publish !== undefined ? "publish" : "stream";
  const subject = route.request ?? route.publish ?? route.stream ?? "";
  const parameters: Record<string, unknown>[] = pathParams(route.path).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = route.schema?.query as
    | { properties?: Record<string, unknown>; required?: string[] }
    | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    parameters.push({ name, in: "query", required: query?.required?.includes(name) ?? false, schema });
  }
  parameters.push({
    name: "X-Correlation-Id",
    in: "header",
    required: false,
    schema: { type: "string" },
    description: "Echoed in the response and carried into NATS as Junction-Correlation-Id.",
  });
  if (route.durable === true) {
    // A durable request runs once per key (required); a durable publish is deduplicated by it.
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: kind === "request",
      schema: { type: "string" },
      description: "Runs the operation once per key: the same key answers with the stored outcome.",
    });
  }

  const problem = (description: string) => ({
    description,
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  });
  const responses: Record<string, unknown> = {
    ...success(kind, route.durable === true),
    "400": problem("Invalid JSON, a failed schema, or a path parameter that cannot be a subject token"),
    "413": problem("Body over the limit"),
    "429": problem("Too many requests in flight; retry after `Retry-After` seconds"),
    "503": problem("No responders, circuit open, or the gateway is stopping"),
  };
  if (kind !== "publish" || route.durable === true) responses["504"] = problem("No reply within the timeout");
  if (kind !== "publish")
    responses["502"] = problem("The service answered with an error code that is not an HTTP status");
  if (kind !== "publish")
    responses.default = problem("The service's own error code (`Nats-Service-Error-Code`)");
  if (auth !== "none") {
    responses["401"] = problem("Missing or invalid credentials");
    responses["403"] = problem(
      route.tenant === undefined
        ? "Credentials not accepted by this route, or a missing scope"
        : `Credentials not accepted by this route, a missing scope, or a ${route.tenant} they may not act for`,
    );
  }
  if (kind === "request" && route.durable === true) {
    responses["422"] = problem("The Idempotency-Key was already used for a different request");
  }

  return {
    summary: `${kind} ${subject}`,
    parameters,
    ...(route.method === "GET"
      ? {}
      : {
          requestBody: {
            required: false,
            content: {
              "application/json": { schema: route.schema?.body ?? {} },
              "application/protobuf": { schema: { type: "string", format: "binary" } },
              "application/octet-stream": { schema: { type: "string", format: "binary" } },
            },
          },
        }),
    responses,
    ...(auth === "none" ? {} : { security: auth.map((name) => ({ [name]: route.scopes ?? [] })) }),
  };
}

function success(kind: "request" | "publish" | "stream", durable: boolean): Record<string, unknown> {
  if (kind === "request") {
    return {
      "200": {
        description: "The service's reply, with its Content-Type",
        content: { "application/json": {} },
      },
      "204": { description: "The service replied with an empty payload" },
    };
  }
  if (kind === "stream") {
    return {
      "200": {
        description: "Server-Sent Events: `chunk` (or `binary`, base64) per chunk, then `end` or `error`",
        content: { "text/event-stream": { schema: { type: "string" } } },
      },
    };
  }
  const properties: Record<string, unknown> = { id: { type: "string" }, correlationId: { type: "string" } };
  if (durable) {
    properties.stream = { type: "string" };
    properties.seq = { type: "integer" };
    properties.duplicate = { type: "boolean" };
  }
  return {
    "202": {
      description: durable ? "Stored in the stream" : "Published (at most once)",
      content: { "application/json": { schema: { type: "object", properties } } },
    },
  };
}
