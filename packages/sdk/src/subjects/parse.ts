import { InvalidPatternError, InvalidSubjectError } from "./errors.ts";

/** One pattern token: a literal, `*` / `{name}` (exactly one token), or `>` / `{name>}` (the rest). */
export type PatternToken =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "one"; readonly capture?: string }
  | { readonly kind: "rest"; readonly capture?: string };

export interface CompiledPattern {
  /** The pattern as written, e.g. `work.{domain}.{taskType>}`. */
  readonly source: string;
  readonly tokens: readonly PatternToken[];
  /** Capture names in token order. */
  readonly captures: readonly string[];
  /** The NATS filter subject with captures erased to `*` and `>`, e.g. `work.*.>`. */
  readonly natsSubject: string;
}

const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHITESPACE = /\s/;

/** Throws `InvalidSubjectError` unless `subject` is a concrete NATS subject (no wildcards). */
export function validateSubject(subject: string): void {
  if (subject === "") throw new InvalidSubjectError(subject, "the subject is empty");
  const tokens = subject.split(".");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const reason = tokenProblem(token, i + 1);
    if (reason !== undefined) throw new InvalidSubjectError(subject, reason);
    if (token === "*" || token === ">") {
      throw new InvalidSubjectError(
        subject,
        `token ${i + 1} is the wildcard "${token}", which only patterns may contain`,
      );
    }
  }
}

/** Compiles a subject pattern (NATS wildcards plus `{name}` / `{name>}` captures); throws `InvalidPatternError`. */
export function parsePattern(pattern: string): CompiledPattern {
  if (pattern === "") throw new InvalidPatternError(pattern, "the pattern is empty");
  const raw = pattern.split(".");
  const tokens: PatternToken[] = [];
  const captures: string[] = [];
  const captureAt = new Map<string, number>();
  const fail = (reason: string): never => {
    throw new InvalidPatternError(pattern, reason);
  };

  for (let i = 0; i < raw.length; i++) {
    const text = raw[i] as string;
    const n = i + 1;
    const isLast = n === raw.length;
    const problem = tokenProblem(text, n);
    if (problem !== undefined) fail(problem);

    if (text === "*") {
      tokens.push({ kind: "one" });
    } else if (text === ">") {
      if (!isLast) fail(`">" must be the last token (found at token ${n} of ${raw.length})`);
      tokens.push({ kind: "rest" });
    } else if (text.startsWith("{") && text.endsWith("}") && text.length >= 2) {
      const body = text.slice(1, -1);
      const rest = body.endsWith(">");
      const name = rest ? body.slice(0, -1) : body;
      if (name.includes("{") || name.includes("}") || name.includes(">")) {
        fail(
          `token ${n} ${JSON.stringify(text)} is not a capture; write a whole token "{name}" or "{name>}"`,
        );
      }
      if (name === "") fail(`token ${n} ${JSON.stringify(text)} has an empty capture name`);
      if (!CAPTURE_NAME.test(name)) {
        fail(
          `token ${n} has an invalid capture name ${JSON.stringify(name)} ` +
            "(letters, digits and _, not starting with a digit)",
        );
      }
      // Captures become keys of a plain object; `__proto__` would be silently swallowed there.
      if (name === "__proto__") fail(`token ${n} uses the reserved capture name "__proto__"`);
      const previous = captureAt.get(name);
      if (previous !== undefined)
        fail(`capture ${JSON.stringify(name)} appears twice (tokens ${previous} and ${n})`);
      if (rest && !isLast) {
        fail(`token ${n} ${JSON.stringify(text)} captures the rest, so it must be the last token`);
      }
      captureAt.set(name, n);
      captures.push(name);
      tokens.push(rest ? { kind: "rest", capture: name } : { kind: "one", capture: name });
    } else if (text.includes("{") || text.includes("}")) {
      fail(
        `token ${n} ${JSON.stringify(text)} contains a brace; a capture must be the whole token, like "{name}"`,
      );
    } else {
      tokens.push({ kind: "literal", value: text });
    }
  }

  return Object.freeze({
    source: pattern,
    tokens: Object.freeze(tokens),
    captures: Object.freeze(captures),
    natsSubject: tokens.map(natsToken).join("."),
  });
}

function natsToken(token: PatternToken): string {
  return token.kind === "literal" ? token.value : token.kind === "one" ? "*" : ">";
}

/** Problems shared by subjects and patterns; `n` is the 1-based token index. */
function tokenProblem(token: string, n: number): string | undefined {
  if (token === "") return `token ${n} is empty`;
  if (WHITESPACE.test(token)) return `token ${n} contains whitespace`;
  return undefined;
}
