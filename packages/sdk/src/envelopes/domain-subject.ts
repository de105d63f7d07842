import { JunctionError } from "../errors/index.ts";
import { MessageKind } from "../identity/index.ts";

/**
 * The domain subject convention: `{domain}.events.{aggregate}.{event}`, `{domain}.commands.{aggregate}.{command}`,
 * `{domain}.queries.{aggregate}.{query}`. The category token says what kind of message travels there,
 * so a subscriber can tell a command from an event by its subject alone.
 */
export const DomainCategory = {
  Commands: "commands",
  Events: "events",
  Queries: "queries",
} as const;
export type DomainCategory = (typeof DomainCategory)[keyof typeof DomainCategory];

export interface DomainSubject {
  readonly domain: string;
  readonly category: DomainCategory;
  readonly aggregate: string;
  /** The command, event or query name. */
  readonly name: string;
}

export class InvalidDomainSubjectError extends JunctionError {
  constructor(message: string) {
    super("ERR_INVALID_DOMAIN_SUBJECT", message);
  }
}

const TOKEN = /^[^\s.*>]+$/;
const KIND_OF: Record<DomainCategory, MessageKind> = {
  commands: MessageKind.Command,
  events: MessageKind.Event,
  queries: MessageKind.Query,
};

/** `{domain}.{category}.{aggregate}.{name}`; each part must be one token (no `.`, wildcards or spaces). */
export function domainSubject(parts: DomainSubject): string {
  for (const field of ["domain", "aggregate", "name"] as const) {
    if (!TOKEN.test(parts[field])) {
      throw new InvalidDomainSubjectError(
        `${field} ${JSON.stringify(parts[field])} must be one subject token`,
      );
    }
  }
  if (!(parts.category in KIND_OF))
    throw new InvalidDomainSubjectError(`unknown category "${parts.category}"`);
  return `${parts.domain}.${parts.category}.${parts.aggregate}.${parts.name}`;
}

export const eventSubject = (domain: string, aggregate: string, event: string): string =>
  domainSubject({ domain, category: "events", aggregate, name: event });
export const commandSubject = (domain: string, aggregate: string, command: string): string =>
  domainSubject({ domain, category: "commands", aggregate, name: command });
export const querySubject = (domain: string, aggregate: string, query: string): string =>
  domainSubject({ domain, category: "queries", aggregate, name: query });

/** The parts of a domain subject, or undefined when the subject does not follow the convention. */
export function parseDomainSubject(subject: string): DomainSubject | undefined {
  const tokens = subject.split(".");
  if (tokens.length !== 4 || !tokens.every((t) => TOKEN.test(t))) return undefined;
  const [domain, category, aggregate, name] = tokens as [string, string, string, string];
  if (!(category in KIND_OF)) return undefined;
  return { domain, category: category as DomainCategory, aggregate, name };
}

/** The message kind a domain subject carries (`Junction-Kind` header). */
export function kindOfCategory(category: DomainCategory): MessageKind {
  return KIND_OF[category];
}

/** A pattern for serving part of a domain: `domainPattern("orders", "commands")` → `orders.commands.{aggregate}.{name}`. */
export function domainPattern(domain: string, category: DomainCategory, aggregate = "{aggregate}"): string {
  return `${domain}.${category}.${aggregate}.{name}`;
}
