import { JunctionError, newMessageId, readIdentity, validateSubject } from "@junction/sdk";
import type { CompiledRoutes } from "./routes/compile.ts";
import type { TargetRequest } from "./targets/index.ts";
import { createMessageScope } from "./targets/message.ts";

/** No route matches the subject. */
export class NoRouteError extends JunctionError {
  readonly subject: string;

  constructor(subject: string) {
    super("ERR_NO_ROUTE", `no route matches subject "${subject}"`);
    this.subject = subject;
  }
}

export interface TranslateInput {
  readonly subject: string;
  readonly data?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stream sequence, for `{$seq}`; default 1 for stream routes. */
  readonly seq?: number;
  readonly time?: Date;
}

export interface Translation {
  readonly route: string;
  readonly subject: string;
  readonly captures: Readonly<Record<string, string>>;
  readonly requests: readonly TargetRequest[];
}

/**
 * What one message on `subject` turns into, offline: the route, its captures, and the AWS request of
 * every target (the reply target last). Throws `InvalidSubjectError`, `NoRouteError` or `MappingError`.
 */
export function translate(routes: CompiledRoutes, input: TranslateInput): Translation {
  validateSubject(input.subject);
  const match = routes.router.lookup(input.subject);
  if (match === undefined) throw new NoRouteError(input.subject);
  const route = match.value;
  const headers = input.headers ?? {};
  const identity = readIdentity(headers, newMessageId);
  const message = {
    subject: input.subject,
    data: input.data ?? new Uint8Array(),
    headers,
    ...identity,
    seq: route.stream === undefined ? undefined : (input.seq ?? 1),
    time: input.time ?? new Date(),
  };
  const scope = createMessageScope(message, match.captures);
  const targets = route.reply === undefined ? route.targets : [...route.targets, route.reply];
  return {
    route: route.name,
    subject: input.subject,
    captures: match.captures,
    requests: targets.map((t) => t.map(scope, message)),
  };
}

/** JSON text of a translation, with byte payloads (Lambda `Payload`) shown as their UTF-8 text. */
export function formatTranslation(translation: Translation): string {
  return JSON.stringify(
    translation,
    (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : value),
    2,
  );
}
