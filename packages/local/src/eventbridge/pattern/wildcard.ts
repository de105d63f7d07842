// `wildcard` values: `*` matches any run of characters (including none); `\*` is a literal asterisk
// and `\\` a literal backslash. Per the aws/event-ruler README ("Wildcard matching"), two consecutive
// `*` and a backslash escaping anything else are invalid, and so is a pattern too complex to match
// fast ("Matching with a Machine").

/** The literal text between the unescaped `*`s: n wildcards give n + 1 segments. */
export type WildcardPattern = readonly string[];

/** Parses a wildcard value, or returns why it is invalid (with event-ruler's byte position). */
export function parseWildcard(text: string): WildcardPattern | string {
  const segments: string[] = [];
  let current = "";
  // event-ruler reports positions in the UTF-8 bytes of the quoted value, so `"` is position 0.
  const position = (index: number) => Buffer.byteLength(text.slice(0, index)) + 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "*") {
      if (text[i + 1] === "*") return `Consecutive wildcard characters at pos ${position(i)}`;
      segments.push(current);
      current = "";
    } else if (ch === "\\") {
      const next = text[i + 1];
      if (next !== "*" && next !== "\\") return `Invalid escape character at pos ${position(i)}`;
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  segments.push(current);
  if (wildcardComplexity(segments) > MAX_COMPLEXITY) return TOO_COMPLEX;
  return segments;
}

/**
 * AWS refuses wildcard patterns that are too complex but does not publish its limit. Measured with
 * `wildcardComplexity`, patterns AWS accepts reach 8 (one wildcard followed by `dir/` five times) and
 * `*:*:*:*:*:event-bus/*`, which it refuses, is 13; the limit sits between them.
 */
const MAX_COMPLEXITY = 10;
const TOO_COMPLEX =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/** Greedy left-to-right search; exact for patterns whose only metacharacter is `*`. */
export function matchWildcard(pattern: WildcardPattern, value: string): boolean {
  const first = pattern[0] ?? "";
  if (pattern.length === 1) return value === first;
  const last = pattern[pattern.length - 1] ?? "";
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pattern.length - 1; i++) {
    const segment = pattern[i] ?? "";
    const at = value.indexOf(segment, from);
    if (at < 0 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
}

/**
 * How many ways a worst-case value can be partway through the pattern at once: the most states its
 * matching automaton can be in together (event-ruler's MachineComplexityEvaluator measures the same
 * for a rule's wildcard patterns). Repeated characters after wildcards (`*:*:*:`) raise it.
 */
export function wildcardComplexity(pattern: WildcardPattern): number {
  // Tokens: the literal characters, with `undefined` for each `*`.
  const tokens: (string | undefined)[] = [];
  pattern.forEach((segment, i) => {
    if (i > 0) tokens.push(undefined);
    tokens.push(...segment);
  });
  const close = (states: Iterable<number>): number[] => {
    const out = new Set<number>();
    for (let s of states) {
      out.add(s);
      while (s < tokens.length && tokens[s] === undefined) out.add(++s);
    }
    return [...out].sort((a, b) => a - b);
  };
  const alphabet = [...new Set(tokens.filter((t): t is string => t !== undefined)), "\u0000"];
  const seen = new Set<string>();
  let queue = [close([0])];
  let most = 0;
  // Patterns are short; the cap only bounds a pathological one (which is far over any limit anyway).
  while (queue.length > 0 && seen.size < 10_000) {
    const next: number[][] = [];
    for (const states of queue) {
      const key = states.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      most = Math.max(most, states.length);
      for (const ch of alphabet) {
        const moved = states.flatMap((s) =>
          tokens[s] === undefined && s < tokens.length ? [s] : tokens[s] === ch ? [s + 1] : [],
        );
        if (moved.length > 0) next.push(close(moved));
      }
    }
    queue = next;
  }
  return most;
}
