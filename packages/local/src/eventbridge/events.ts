import { busRef, eventTime, type Place } from "./arns.ts";
import {
  Constraints,
  isJsonObject,
  type JsonObject,
  optArray,
  optString,
  optStringList,
} from "./constraints.ts";
import { serializationError, validationError } from "./errors.ts";
import type { EventEnvelope } from "./model.ts";
import { compileEventPattern } from "./pattern/index.ts";

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: PutEventsResultEntry[];
}

/** An accepted event and the bus it was put on (`local: false` for a bus ARN of elsewhere). */
export interface AcceptedEvent {
  readonly bus: { readonly name: string; readonly local: boolean };
  readonly envelope: EventEnvelope;
}

export interface EntryOptions {
  readonly place: Place;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly maxEntryBytes: number;
}

/**
 * Validates a PutEvents request the way AWS does: more than 10 entries, or entries whose total size
 * (as AWS computes it) is over the limit, reject the whole request (ValidationException); a missing
 * Source, DetailType or Detail, or a Detail that is not a JSON object, fails that entry only. An entry
 * for a bus that does not exist still gets an EventId and is dropped: AWS answers so (LocalStack's
 * AWS-recorded snapshot test_put_events_nonexistent_event_bus, FailedEntryCount 0).
 */
export function acceptEntries(
  input: JsonObject,
  options: EntryOptions,
): { result: PutEventsResult; accepted: AcceptedEvent[] } {
  const list = optArray(input, "Entries");
  const c = new Constraints();
  if (c.required(list, "entries")) c.count(list, "entries", 1, 10, () => describeEntries(list ?? []));
  c.check();
  const entries = (list ?? []).map((entry) => {
    if (!isJsonObject(entry)) throw serializationError("Entries must be a list of objects");
    return entry;
  });
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > options.maxEntryBytes)
    throw validationError("Total size of the entries in the request is over the limit.");
  const now = options.now();
  const results: PutEventsResultEntry[] = [];
  const accepted: AcceptedEvent[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem !== undefined) {
      results.push(problem);
      continue;
    }
    const envelope: EventEnvelope = {
      version: "0",
      id: options.newId(),
      "detail-type": entry.DetailType as string,
      source: entry.Source as string,
      account: options.place.accountId,
      time: eventTime(timeOf(entry) ?? now),
      region: options.place.region,
      resources: optStringList(entry, "Resources") ?? [],
      detail: JSON.parse(entry.Detail as string) as JsonObject,
    };
    results.push({ EventId: envelope.id });
    accepted.push({ bus: busRef(options.place, optString(entry, "EventBusName")), envelope });
  }
  const failed = results.filter((r) => r.ErrorCode !== undefined).length;
  return { result: { FailedEntryCount: failed, Entries: results }, accepted };
}

// Wording and order as AWS answers them (LocalStack's AWS-recorded snapshots of test_put_events_*).
function entryProblem(entry: JsonObject): PutEventsResultEntry | undefined {
  for (const member of ["Source", "DetailType", "Detail"] as const) {
    const value = optString(entry, member);
    if (value === undefined || value === "")
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
      };
  }
  try {
    if (isJsonObject(JSON.parse(entry.Detail as string))) return undefined;
  } catch {
    // falls through to MalformedDetail
  }
  return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
}

/**
 * "Calculating Amazon EventBridge PutEvents event entry size" (user guide): Time counts 14 bytes when
 * given; Source, DetailType, Detail and every Resources entry count their UTF-8 bytes.
 */
export function entrySize(entry: JsonObject): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : 14;
  for (const member of ["Source", "DetailType", "Detail"]) {
    const value = entry[member];
    if (typeof value === "string") size += Buffer.byteLength(value, "utf8");
  }
  const resources = entry.Resources;
  if (Array.isArray(resources))
    for (const r of resources) if (typeof r === "string") size += Buffer.byteLength(r, "utf8");
  return size;
}

/** `Time` arrives as epoch seconds (the AWS JSON protocol's timestamps); ISO text is accepted too. */
function timeOf(entry: JsonObject): Date | undefined {
  const time = entry.Time;
  if (time === undefined || time === null) return undefined;
  const date =
    typeof time === "number" ? new Date(time * 1000) : typeof time === "string" ? new Date(time) : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    throw serializationError("Time must be a timestamp");
  return date;
}

// The value AWS prints in the "at 'entries'" constraint message.
function describeEntries(entries: readonly unknown[]): string {
  const text = (v: unknown) =>
    v === undefined || v === null ? "null" : typeof v === "string" ? v : JSON.stringify(v);
  const parts = entries.map((e) => {
    const entry = isJsonObject(e) ? e : {};
    return (
      `PutEventsRequestEntry(time=${text(entry.Time)}, source=${text(entry.Source)}, ` +
      `resources=${text(entry.Resources)}, detailType=${text(entry.DetailType)}, detail=${text(entry.Detail)}, ` +
      `eventBusName=${text(entry.EventBusName)}, traceHeader=${text(entry.TraceHeader)}, ` +
      "kmsKeyIdentifier=null, internalMetadata=null)"
    );
  });
  return `[${parts.join(", ")}]`;
}

// "the event must contain id, account, source, time, region, detail-type": `resources` is listed
// in the API reference too, but AWS accepts events without it (LocalStack's AWS-validated
// TestEventPattern tests), so it is not required here either.
const REQUIRED_EVENT_FIELDS = ["id", "account", "source", "time", "region", "detail-type"];

export function testEventPattern(input: JsonObject): JsonObject {
  const pattern = optString(input, "EventPattern");
  const event = optString(input, "Event");
  const c = new Constraints();
  if (c.required(pattern, "eventPattern")) c.string(pattern, "eventPattern", { max: 4096 });
  c.required(event, "event");
  c.check();
  const compiled = compileEventPattern(pattern as string);
  const parsed = parseJson(event as string);
  if (!isJsonObject(parsed) || !REQUIRED_EVENT_FIELDS.every((field) => Object.hasOwn(parsed, field)))
    throw validationError("Parameter Event is not valid.");
  return { Result: compiled.matches(parsed) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw validationError("Parameter Event is not valid.");
  }
}
