import { InvalidSubjectError } from "./errors.ts";

/** The longest token taken from outside (a path parameter, an event field). */
export const MAX_OUTSIDE_TOKEN = 256;

/**
 * The safe set for a token taken from outside (docs/gateway.md, "Subjects"): letters, marks, numbers,
 * punctuation and symbols. That leaves out white space, control and format characters (zero-width and
 * bidi marks, which make two tokens look alike), private-use, unassigned and lone surrogate code points.
 */
const SAFE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]+$/u;
// `.`, `*`, `>` and what reads as one: what NFKC turns into one (U+FF0E `．`, U+2024 `․`, U+FE52 `﹒`,
// U+FF0A `＊`, U+FF1E `＞` …) plus full stops of other scripts that it leaves alone.
const WILDCARD_OR_DOT =
  /[.*>\u3002\uFF61\u2E3C\u0589\u06D4\u0701\u0702\u1362\u166E\u1803\u1809\uA4FF\uA60E\uA6F3]/u;

const REASON =
  `must be 1-${MAX_OUTSIDE_TOKEN} letters, digits, punctuation or symbols: no '.', '*', '>' or a character ` +
  "that looks like one, no white space, control or invisible characters";

/**
 * Makes one subject token of a value from outside: NFC-normalised (so one text is one token however
 * it was encoded), and refused with `InvalidSubjectError` unless it is in the safe set, so it can
 * neither add tokens, nor be a wildcard, nor pass for another token.
 */
export function outsideToken(value: string): string {
  const token = value.normalize("NFC");
  if (
    token.length === 0 ||
    token.length > MAX_OUTSIDE_TOKEN ||
    !SAFE.test(token) ||
    WILDCARD_OR_DOT.test(token.normalize("NFKC"))
  ) {
    throw new InvalidSubjectError(token, REASON);
  }
  return token;
}
