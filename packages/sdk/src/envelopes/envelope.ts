import type { MessageIdentity, MessageKind } from "../identity/index.ts";
import { type DomainSubject, domainSubject, kindOfCategory } from "./domain-subject.ts";

/**
 * A command, event or query ready to send: its domain subject, payload and the `kind` the wire carries.
 * `causedBy` makes it a derived message (an event caused by a command keeps the command's correlation).
 */
export interface Envelope<T> {
  readonly subject: string;
  readonly kind: MessageKind;
  readonly data: T;
  readonly causedBy?: MessageIdentity;
  readonly idempotencyKey?: string;
}

function envelope<T>(
  parts: DomainSubject,
  data: T,
  options: Omit<Envelope<T>, "subject" | "kind" | "data">,
): Envelope<T> {
  return { subject: domainSubject(parts), kind: kindOfCategory(parts.category), data, ...options };
}

type EnvelopeOptions = { readonly causedBy?: MessageIdentity; readonly idempotencyKey?: string };

export const command = <T>(
  domain: string,
  aggregate: string,
  name: string,
  data: T,
  options: EnvelopeOptions = {},
) => envelope({ domain, category: "commands", aggregate, name }, data, options);
export const event = <T>(
  domain: string,
  aggregate: string,
  name: string,
  data: T,
  options: EnvelopeOptions = {},
) => envelope({ domain, category: "events", aggregate, name }, data, options);
export const query = <T>(
  domain: string,
  aggregate: string,
  name: string,
  data: T,
  options: EnvelopeOptions = {},
) => envelope({ domain, category: "queries", aggregate, name }, data, options);
