import { type CompiledPattern, parsePattern, patternCovers } from "@junction/sdk";
import type { PathSegment, ReportProblem } from "../path.ts";
import { parseTemplate } from "../templates/index.ts";
import type { JunctionConfig } from "./schema.ts";

/**
 * `inbound:` and `subscriptions:` publish into JetStream, so a stream must capture every subject they
 * can produce; subscriptions must also name their captures' sources sensibly.
 */
export function checkInbound(config: JunctionConfig, report: ReportProblem): void {
  const streams = config.streams.flatMap((s) =>
    s.subjects.flatMap((subject) => {
      try {
        return [parsePattern(subject)];
      } catch {
        return []; // reported by the stream checks
      }
    }),
  );
  const captured = (pattern: CompiledPattern) => streams.some((s) => patternCovers(s, pattern));

  config.inbound.forEach((inbound, i) => {
    const pattern = templatePattern(inbound.to);
    if (pattern !== undefined && !captured(pattern))
      report(
        ["inbound", i, "to"],
        `no stream captures "${pattern.natsSubject}": add it to a stream's subjects`,
      );
  });

  const names = new Map<string, number>();
  config.subscriptions.forEach((subscription, i) => {
    const at = (...rest: PathSegment[]) => ["subscriptions", i, ...rest];
    const first = names.get(subscription.name);
    if (first !== undefined)
      report(at("name"), `duplicate name "${subscription.name}" (also subscriptions[${first}])`);
    else names.set(subscription.name, i);
    let pattern: CompiledPattern;
    try {
      pattern = parsePattern(subscription.subject);
    } catch (err) {
      report(at("subject"), (err as Error).message);
      return;
    }
    if (!captured(pattern))
      report(at("subject"), `no stream captures "${pattern.natsSubject}": add it to a stream's subjects`);
    for (const name of Object.keys(subscription.captures ?? {})) {
      if (!pattern.captures.includes(name))
        report(at("captures", name), `"${subscription.subject}" has no {${name}}`);
    }
  });
}

/** The subjects a subject template can give, as a pattern: a token with an expression is `*`. */
export function templatePattern(source: string): CompiledPattern | undefined {
  try {
    const marked = parseTemplate(source)
      .map((p) => (p.kind === "text" ? p.text : "\u0000"))
      .join("");
    return parsePattern(
      marked
        .split(".")
        .map((t) => (t.includes("\u0000") ? "*" : t))
        .join("."),
    );
  } catch {
    return undefined; // the template itself is reported by checkTemplate
  }
}
