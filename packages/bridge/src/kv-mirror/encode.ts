import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, NumberValueImpl, unmarshall } from "@aws-sdk/util-dynamodb";

// KV values are bytes; DynamoDB items are typed. The rule (docs/kv-mirror.md, "Values"): a JSON object
// becomes a map (M) so AWS-native readers can query its fields; any other UTF-8 text is a string (S),
// exactly as written; anything else is binary (B). A JSON object that DynamoDB could not hold exactly
// (numbers it would round or refuse, deep nesting, empty keys) stays a string, so nothing is altered.

// ignoreBOM keeps a byte-order mark in the text, so an S value gives back the very same bytes.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** DynamoDB allows 32 levels of nesting; the item and its `value` attribute take some. */
const MAX_DEPTH = 30;
/** Decimal digits a double always keeps exactly. */
const SAFE_DIGITS = 15;

export function encodeValue(bytes: Uint8Array): AttributeValue {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { B: bytes };
  }
  const object = exactJsonObject(text);
  if (object !== undefined) {
    try {
      return { M: marshall(object) };
    } catch {
      // marshall refuses what it cannot represent exactly (e.g. integers past 2^53): keep the text.
    }
  }
  return { S: text };
}

/** The bytes a DynamoDB value stands for: S as UTF-8, B as is, anything else as JSON text. */
export function decodeValue(value: AttributeValue): Uint8Array {
  if (value.S !== undefined) return encoder.encode(value.S);
  if (value.B !== undefined) return value.B;
  // Numbers stay as DynamoDB's decimal text, so none is rounded on the way back.
  const native = unmarshall({ v: value }, { wrapNumbers: true }).v as unknown;
  return encoder.encode(jsonText(native));
}

function exactJsonObject(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text) || hasLongNumber(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return representable(value, 1) ? (value as Record<string, unknown>) : undefined;
}

/** A number literal with more significant digits than a double keeps (string literals ignored). */
function hasLongNumber(text: string): boolean {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const match of bare.matchAll(/(\d+)(?:\.(\d+))?/g)) {
    const digits = `${match[1]}${match[2] ?? ""}`.replace(/^0+/, "");
    if (digits.length > SAFE_DIGITS) return true;
  }
  return false;
}

/** DynamoDB numbers: 0, or magnitudes from 1e-130 up to (not including) 1e126. */
function representable(value: unknown, depth: number): boolean {
  if (typeof value === "number") {
    const abs = Math.abs(value);
    return Number.isFinite(value) && (abs === 0 || (abs >= 1e-130 && abs < 1e126));
  }
  if (typeof value !== "object" || value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((v) => representable(v, depth + 1));
  return Object.entries(value).every(([k, v]) => k !== "" && representable(v, depth + 1));
}

/** JSON text of an unmarshalled value: exact numbers, sets as arrays, binary as base64. */
function jsonText(value: unknown): string {
  if (value instanceof NumberValueImpl) return value.toString();
  if (value instanceof Set) return jsonText([...value]);
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
