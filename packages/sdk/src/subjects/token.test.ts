import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidSubjectError } from "./errors.ts";
import { MAX_OUTSIDE_TOKEN, outsideToken } from "./token.ts";

describe("outsideToken", () => {
  it("keeps letters, digits, punctuation and symbols of any script, NFC-normalised", () => {
    for (const ok of ["ada", "42", "user-1_x", "a@b:c", "Zoë", "東京", "naïve€", "%41", "a/b", "🙂"]) {
      assert.equal(outsideToken(ok), ok);
    }
    // "e" + combining acute (NFD) and "é" (NFC) are one token.
    assert.equal(outsideToken("caf\u0065\u0301"), "caf\u00e9");
  });

  it("refuses what would add tokens, be a wildcard, or pass for another token", () => {
    const bad = [
      "",
      "a.b",
      "*",
      ">",
      "a b",
      "a\tb",
      "a\u00a0b", // no-break space
      "a\u3000b", // ideographic space
      "a\u0000b",
      "a\u007fb",
      "a\u200bb", // zero-width space
      "a\u200db", // zero-width joiner
      "a\u2060b", // word joiner
      "a\ufeffb", // byte order mark
      "a\u202eb", // right-to-left override
      "a\u00adb", // soft hyphen
      "echo\uff0e", // fullwidth full stop
      "a\u3002b", // ideographic full stop
      "a\uff61b", // halfwidth ideographic full stop
      "a\u2024b", // one dot leader
      "a\ufe52b", // small full stop
      "\uff0a", // fullwidth asterisk
      "\uff1e", // fullwidth greater-than
      "a\ue000b", // private use
      "a\ud800b", // lone surrogate
      "x".repeat(MAX_OUTSIDE_TOKEN + 1),
    ];
    for (const value of bad) {
      assert.throws(
        () => outsideToken(value),
        (err: unknown) => err instanceof InvalidSubjectError && err.code === "ERR_INVALID_SUBJECT",
        JSON.stringify(value),
      );
    }
    assert.equal(outsideToken("x".repeat(MAX_OUTSIDE_TOKEN)).length, MAX_OUTSIDE_TOKEN);
  });
});
