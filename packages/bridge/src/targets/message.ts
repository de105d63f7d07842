import { headerValue } from "@junction/sdk";
import { MappingError } from "../errors.ts";
import type { TemplateScope, TemplateValue, TemplateVocabulary } from "../templates/index.ts";

/** A NATS message as the route mapper sees it, identity already resolved. */
export interface RouteMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Header names as received; looked up case-insensitively. */
  readonly headers: Readonly<Record<string, string>>;
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string | undefined;
  /** Stream sequence, for messages consumed from JetStream. */
  readonly seq?: number | undefined;
  readonly time: Date;
}

/** The `$` built-ins a route's target templates may use (DESIGN.md, "Subject patterns and templates"). */
export const ROUTE_BUILTINS = {
  subject: "plain",
  id: "plain",
  seq: "plain",
  time: "plain",
  unix: "plain",
  correlationId: "plain",
  causationId: "plain",
  header: "arg",
  data: "plain",
  json: "optional",
} as const satisfies TemplateVocabulary["builtins"];

export function routeVocabulary(captures: readonly string[]): TemplateVocabulary {
  return { captures, builtins: ROUTE_BUILTINS };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Template scope for one message. The payload is decoded and parsed at most once, however many
 * templates read it, and only if one does.
 */
export function createMessageScope(
  message: RouteMessage,
  captures: Readonly<Record<string, string>>,
): TemplateScope {
  let text: string | undefined;
  let json: { value: TemplateValue } | undefined;

  const payloadText = (): string => {
    if (text !== undefined) return text;
    try {
      text = utf8.decode(message.data);
    } catch (err) {
      throw new MappingError("payload is not valid UTF-8 text", { cause: err });
    }
    return text;
  };
  const payloadJson = (): TemplateValue => {
    if (json !== undefined) return json.value;
    try {
      json = { value: JSON.parse(payloadText()) as TemplateValue };
    } catch (err) {
      if (err instanceof MappingError) throw err;
      throw new MappingError(`payload is not JSON (${(err as Error).message})`, { cause: err });
    }
    return json.value;
  };
  const header = (name: string): string => {
    const value = headerValue(message.headers, name);
    if (value === undefined) throw new MappingError(`header "${name}" is missing`);
    return value;
  };

  return {
    capture: (name) => captures[name],
    builtin(name, arg) {
      switch (name) {
        case "subject":
          return message.subject;
        case "id":
          return message.id;
        case "seq":
          if (message.seq === undefined)
            throw new MappingError("$seq is only known for messages from a stream");
          return String(message.seq);
        case "time":
          return message.time.toISOString();
        case "unix":
          return String(Math.floor(message.time.getTime() / 1000));
        case "correlationId":
          return message.correlationId;
        case "causationId":
          return message.causationId ?? "";
        case "header":
          return header(arg ?? "");
        case "data":
          return payloadText();
        case "json":
          return arg === undefined ? payloadJson() : jsonPath(payloadJson(), arg);
        default:
          throw new MappingError(`unknown built-in "$${name}"`);
      }
    },
  };
}

/** A dotted path into a JSON value (array indexes as numbers); a MappingError when absent. */
export function jsonPath(root: TemplateValue, path: string): TemplateValue {
  let node: TemplateValue | undefined = root;
  for (const key of path.split(".")) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (node !== null && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, key)) {
      node = (node as Record<string, TemplateValue>)[key];
    } else node = undefined;
    if (node === undefined) throw new MappingError(`payload has no field "${path}"`);
  }
  return node;
}
