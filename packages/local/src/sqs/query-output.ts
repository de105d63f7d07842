/**
 * The JSON protocol's output written as SQS's query-protocol XML, element names from the SQS API
 * model (flattened lists and maps). Hand-written: a few element renames, no XML library needed.
 */
import { escapeXml, queryErrorXml } from "../aws/index.ts";

const NS = "http://queue.amazonaws.com/doc/2012-11-05/";

/** JSON members that are flattened lists in XML: member → element name of each item. */
const LISTS: Readonly<Record<string, string>> = {
  QueueUrls: "QueueUrl",
  Messages: "Message",
  Failed: "BatchResultErrorEntry",
  StringListValues: "StringListValue",
  BinaryListValues: "BinaryListValue",
};

/** JSON members that are flattened maps in XML: member → entry element, key and value names. */
const MAPS: Readonly<Record<string, readonly [string, string, string]>> = {
  Attributes: ["Attribute", "Name", "Value"],
  MessageAttributes: ["MessageAttribute", "Name", "Value"],
  Tags: ["Tag", "Key", "Value"],
};

export function queryResponse(action: string, output: Record<string, unknown>, requestId: string): string {
  // Batch results are `<SendMessageBatchResultEntry>` and the like.
  const result = element(`${action}Result`, members(output, `${action}ResultEntry`));
  return `<?xml version="1.0"?><${action}Response xmlns="${NS}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** SQS's query-protocol error body (`Type` Sender or Receiver; `Code` the query code). */
export function queryError(code: string, message: string, sender: boolean, requestId: string): string {
  return queryErrorXml(code, message, sender, requestId, NS);
}

function members(value: Record<string, unknown>, successfulEntry: string): string {
  let xml = "";
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue;
    const map = MAPS[name];
    const item = name === "Successful" ? successfulEntry : LISTS[name];
    if (map !== undefined && typeof member === "object") {
      const [entry, key, val] = map;
      for (const [k, v] of Object.entries(member as Record<string, unknown>))
        xml += element(entry, element(key, escapeXml(k)) + element(val, content(v, successfulEntry)));
    } else if (item !== undefined && Array.isArray(member)) {
      for (const each of member) xml += element(item, content(each, successfulEntry));
    } else {
      xml += element(name, content(member, successfulEntry));
    }
  }
  return xml;
}

function content(value: unknown, successfulEntry: string): string {
  return typeof value === "object" && value !== null
    ? members(value as Record<string, unknown>, successfulEntry)
    : escapeXml(String(value));
}

function element(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}
