import { checkCredentials, checkGatewaySections } from "@junction/gateway/config";
import { parsePattern, patternsOverlap, validateSubject } from "@junction/sdk";
import type { PathSegment, ReportProblem } from "../path.ts";
import { compileTemplate, type TemplateVocabulary } from "../templates/index.ts";
import { checkInbound } from "./check-inbound.ts";
import { checkKvMirrors } from "./check-kv.ts";
import { checkNats } from "./check-nats.ts";
import type { JunctionConfig } from "./schema.ts";

/** Built-ins of an inbound route's subject template (an SQS message is the source). */
export const INBOUND_VOCABULARY: TemplateVocabulary = {
  captures: [],
  builtins: { attr: "arg", json: "optional", body: "plain", id: "plain" },
};

/** Checks the meaning of the parts the route compiler does not cover: nats, streams, inbound, kv, gateway, operations. */
export function checkConfig(config: JunctionConfig, report: ReportProblem): void {
  checkNats(config.nats, report);
  checkStreams(config, report);
  checkUnique(config.inbound, "inbound", "name", report);
  checkUnique(config.kv, "kv", "bucket", report);
  checkKvMirrors(config, report);
  config.inbound.forEach((inbound, i) => {
    checkTemplate(inbound.to, INBOUND_VOCABULARY, ["inbound", i, "to"], report);
  });
  checkInbound(config, report);
  checkGatewaySections(config, report);
  // The ops listener's credentials follow the gateway's rules (a key: exactly one of sha256, env …).
  if (config.ops.auth !== undefined)
    checkCredentials({ auth: config.ops.auth }, (at, m) => report(["ops", ...at], m));
}

function checkStreams(config: JunctionConfig, report: ReportProblem): void {
  checkUnique(config.streams, "streams", "name", report);
  const parsed: { stream: number; subject: string; pattern: ReturnType<typeof parsePattern> }[] = [];
  config.streams.forEach((stream, s) => {
    stream.subjects.forEach((subject, j) => {
      try {
        const pattern = parsePattern(subject);
        if (pattern.captures.length > 0) {
          report(
            ["streams", s, "subjects", j],
            "stream subjects take NATS wildcards (* and >), not {captures}",
          );
          return;
        }
        for (const other of parsed) {
          if (patternsOverlap(other.pattern, pattern)) {
            const where = other.stream === s ? "this stream" : `streams[${other.stream}]`;
            report(["streams", s, "subjects", j], `"${subject}" overlaps "${other.subject}" of ${where}`);
          }
        }
        parsed.push({ stream: s, subject, pattern });
      } catch (err) {
        report(["streams", s, "subjects", j], (err as Error).message);
      }
    });
  });
}

function checkUnique<T>(
  items: readonly T[],
  section: string,
  field: keyof T & string,
  report: ReportProblem,
): void {
  const seen = new Map<unknown, number>();
  items.forEach((item, i) => {
    const first = seen.get(item[field]);
    if (first === undefined) seen.set(item[field], i);
    else
      report([section, i, field], `duplicate ${field} "${String(item[field])}" (also ${section}[${first}])`);
  });
}

function checkTemplate(
  source: string,
  vocabulary: TemplateVocabulary,
  path: readonly PathSegment[],
  report: ReportProblem,
): void {
  try {
    const template = compileTemplate(source, vocabulary);
    if (template.constant)
      validateSubject(template.renderText({ capture: () => undefined, builtin: () => null }));
  } catch (err) {
    report(path, (err as Error).message);
  }
}
