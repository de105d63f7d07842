/**
 * SQS's query protocol (form posts and GET query strings: `Attribute.1.Name=…`) turned into the JSON
 * protocol's input, so one emulator serves both. The flattening rules are the SQS API model's
 * (awsQuery, flattened lists and maps): written here because no maintained library parses it.
 */

type Tree = { [key: string]: Tree | string };
type Json = string | number | Json[] | { [key: string]: Json };

/** Flattened maps: query member name → JSON member name, and the key/value names of each entry. */
const MAPS: Readonly<Record<string, { json: string; key: string; value: string }>> = {
  Attribute: { json: "Attributes", key: "Name", value: "Value" },
  MessageAttribute: { json: "MessageAttributes", key: "Name", value: "Value" },
  MessageSystemAttribute: { json: "MessageSystemAttributes", key: "Name", value: "Value" },
  Tag: { json: "Tags", key: "Key", value: "Value" },
};

/** Flattened lists: query member name → JSON member name. */
const LISTS: Readonly<Record<string, string>> = {
  AttributeName: "AttributeNames",
  MessageAttributeName: "MessageAttributeNames",
  MessageSystemAttributeName: "MessageSystemAttributeNames",
  TagKey: "TagKeys",
  StringListValue: "StringListValues",
  BinaryListValue: "BinaryListValues",
  SendMessageBatchRequestEntry: "Entries",
  DeleteMessageBatchRequestEntry: "Entries",
  ChangeMessageVisibilityBatchRequestEntry: "Entries",
};

const NUMBERS = new Set([
  "DelaySeconds",
  "MaxNumberOfMessages",
  "VisibilityTimeout",
  "WaitTimeSeconds",
  "MaxResults",
]);

/** Parameters that carry the protocol or the signature, not the operation's input. */
const PROTOCOL =
  /^(Action|Version|X-Amz-[A-Za-z]+|AWSAccessKeyId|Signature|SignatureMethod|SignatureVersion|Timestamp|Expires)$/;

export interface QueryRequest {
  readonly action: string | undefined;
  readonly input: Record<string, Json>;
}

export function parseQueryRequest(params: URLSearchParams): QueryRequest {
  const tree: Tree = {};
  for (const [name, value] of params) {
    if (PROTOCOL.test(name)) continue;
    const path = name.split(".");
    let node = tree;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (typeof next === "object") node = next;
      else node = node[segment] = {};
    }
    node[path[path.length - 1] as string] = value;
  }
  const action = params.get("Action") ?? undefined;
  const input = convert(tree) as Record<string, Json>;
  // CreateQueue names its tags `tags` in JSON; TagQueue `Tags`.
  if (action === "CreateQueue" && input.Tags !== undefined) {
    input.tags = input.Tags;
    delete input.Tags;
  }
  return { action, input };
}

function convert(tree: Tree): Json {
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(tree)) {
    const map = MAPS[name];
    const list = LISTS[name];
    if (map !== undefined && typeof value === "object") {
      const entries: Record<string, Json> = {};
      for (const entry of numbered(value)) {
        if (typeof entry !== "object") continue;
        const key = entry[map.key];
        const val = entry[map.value];
        if (typeof key === "string" && val !== undefined)
          entries[key] = typeof val === "object" ? convert(val) : val;
      }
      out[map.json] = entries;
    } else if (list !== undefined && typeof value === "object") {
      out[list] = numbered(value).map((item) => (typeof item === "object" ? convert(item) : item));
    } else if (typeof value === "object") {
      out[name] = convert(value);
    } else {
      out[name] =
        NUMBERS.has(name) && value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
    }
  }
  return out;
}

/** `{ "1": a, "2": b }` → `[a, b]`, by index. */
function numbered(tree: Tree): (Tree | string)[] {
  return Object.entries(tree)
    .filter(([index]) => /^\d+$/.test(index))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, item]) => item);
}
