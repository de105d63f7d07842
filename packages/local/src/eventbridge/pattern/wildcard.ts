// `wildcard` values: `*` matches any run of characters (including none); `\*` is a literal asterisk
// and `\\` a literal backslash. Per the aws/event-ruler README ("Wildcard matching"), two consecutive
// `*` and a backslash escaping anything else are invalid.

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
  return segments;
}

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
