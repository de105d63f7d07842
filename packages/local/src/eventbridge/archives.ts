import type { Place } from "./arns.ts";
import { epochSeconds, requireBus, type State } from "./buses.ts";
import {
  Constraints,
  isJsonObject,
  type JsonObject,
  NAME_PATTERN,
  NAME_PATTERN_TEXT,
  optNumber,
  optObject,
  optString,
  optStringList,
} from "./constraints.ts";
import { EventBridgeApiError, notFound, validationError } from "./errors.ts";
import type { Archive, EventEnvelope, Replay } from "./model.ts";
import { compileEventPattern } from "./pattern/index.ts";

// Archives and replays ("Archiving and replaying events in Amazon EventBridge"): an archive keeps the
// events its bus receives (those its optional pattern matches) for its retention period; a replay
// sends the archived events of a time range back to that bus, to all its rules or the ones named,
// each event marked with `replay-name`.

const ARCHIVE_NAME = { min: 1, max: 48, pattern: /^[.\-_A-Za-z0-9]+$/, patternText: "[\\.\\-_A-Za-z0-9]+" };
const DAY_MS = 86_400_000;

function archiveArn(place: Place, name: string): string {
  return `arn:aws:events:${place.region}:${place.accountId}:archive/${name}`;
}

function replayArn(place: Place, name: string): string {
  return `arn:aws:events:${place.region}:${place.accountId}:replay/${name}`;
}

function requireArchive(state: State, name: string | undefined): Archive {
  const archive = name === undefined ? undefined : state.archives.get(name);
  if (archive === undefined) throw notFound(`Archive ${name} does not exist.`);
  return archive;
}

function compilePattern(text: string | undefined) {
  return text === undefined ? {} : { eventPattern: text, pattern: compileEventPattern(text) };
}

function summary(archive: Archive): JsonObject {
  return {
    ArchiveName: archive.name,
    EventSourceArn: archive.busArn,
    State: "ENABLED",
    RetentionDays: archive.retentionDays,
    SizeBytes: archive.events.reduce((sum, e) => sum + e.bytes, 0),
    EventCount: archive.events.length,
    CreationTime: epochSeconds(archive.created),
  };
}

export function createArchive(state: State, input: JsonObject): JsonObject {
  const name = optString(input, "ArchiveName");
  const source = optString(input, "EventSourceArn");
  const retention = optNumber(input, "RetentionDays");
  const c = new Constraints();
  if (c.required(name, "archiveName")) c.string(name, "archiveName", ARCHIVE_NAME);
  if (c.required(source, "eventSourceArn")) c.string(source, "eventSourceArn", { min: 1, max: 1600 });
  c.number(retention, "retentionDays", 0, Number.MAX_SAFE_INTEGER);
  c.string(optString(input, "Description"), "description", { max: 512 });
  c.check();
  const bus = requireBus(state, source);
  if (state.archives.has(name as string))
    throw new EventBridgeApiError("ResourceAlreadyExistsException", `Archive ${name} already exists.`);
  const description = optString(input, "Description");
  const archive: Archive = {
    name: name as string,
    arn: archiveArn(state.place, name as string),
    busName: bus.name,
    busArn: bus.arn,
    ...(description === undefined ? {} : { description }),
    ...compilePattern(optString(input, "EventPattern")),
    retentionDays: retention ?? 0,
    created: state.now(),
    events: [],
  };
  state.archives.set(archive.name, archive);
  return { ArchiveArn: archive.arn, State: "ENABLED", CreationTime: epochSeconds(archive.created) };
}

export function describeArchive(state: State, input: JsonObject): JsonObject {
  const archive = requireArchive(state, optString(input, "ArchiveName"));
  return {
    ArchiveArn: archive.arn,
    ...summary(archive),
    ...(archive.description === undefined ? {} : { Description: archive.description }),
    ...(archive.eventPattern === undefined ? {} : { EventPattern: archive.eventPattern }),
  };
}

export function listArchives(state: State, input: JsonObject): JsonObject {
  const prefix = optString(input, "NamePrefix");
  const source = optString(input, "EventSourceArn");
  return {
    Archives: [...state.archives.values()]
      .filter(
        (a) =>
          (prefix === undefined || a.name.startsWith(prefix)) &&
          (source === undefined || a.busArn === source),
      )
      .map(summary),
  };
}

export function updateArchive(state: State, input: JsonObject): JsonObject {
  const archive = requireArchive(state, optString(input, "ArchiveName"));
  const pattern = compilePattern(optString(input, "EventPattern"));
  const description = optString(input, "Description");
  const retention = optNumber(input, "RetentionDays");
  if (description !== undefined) archive.description = description;
  if (pattern.pattern !== undefined) Object.assign(archive, pattern);
  if (retention !== undefined) archive.retentionDays = retention;
  return { ArchiveArn: archive.arn, State: "ENABLED", CreationTime: epochSeconds(archive.created) };
}

export function deleteArchive(state: State, input: JsonObject): JsonObject {
  const archive = requireArchive(state, optString(input, "ArchiveName"));
  state.archives.delete(archive.name);
  return {};
}

/** Keeps an event a bus received in each of the bus's archives that takes it. */
export function archiveEvent(state: State, busName: string, event: EventEnvelope): void {
  const now = state.now();
  for (const archive of state.archives.values()) {
    if (archive.busName !== busName || (archive.pattern !== undefined && !archive.pattern.matches(event)))
      continue;
    if (archive.retentionDays > 0) {
      const oldest = now.getTime() - archive.retentionDays * DAY_MS;
      while ((archive.events[0]?.at.getTime() ?? Number.POSITIVE_INFINITY) < oldest) archive.events.shift();
    }
    archive.events.push({ at: now, envelope: event, bytes: Buffer.byteLength(JSON.stringify(event)) });
  }
}

/** What StartReplay answers, and the replay to run once it has answered. */
export function startReplay(
  state: State,
  input: JsonObject,
): { body: JsonObject; replay: Replay; events: EventEnvelope[] } {
  const name = optString(input, "ReplayName");
  const source = optString(input, "EventSourceArn");
  const destination = optObject(input, "Destination");
  const from = timestamp(input.EventStartTime, "eventStartTime");
  const to = timestamp(input.EventEndTime, "eventEndTime");
  const c = new Constraints();
  if (c.required(name, "replayName"))
    c.string(name, "replayName", { min: 1, max: 64, pattern: NAME_PATTERN, patternText: NAME_PATTERN_TEXT });
  if (c.required(source, "eventSourceArn")) c.string(source, "eventSourceArn", { min: 1, max: 1600 });
  c.required(destination, "destination");
  c.required(from, "eventStartTime");
  c.required(to, "eventEndTime");
  c.check();
  if (state.replays.has(name as string))
    throw new EventBridgeApiError("ResourceAlreadyExistsException", `Replay ${name} already exists.`);
  const archive = [...state.archives.values()].find((a) => a.arn === source);
  if (archive === undefined) throw notFound(`Archive ${(source as string).split("/").pop()} does not exist.`);
  const destinationArn = optString(destination as JsonObject, "Arn");
  if (destinationArn !== archive.busArn)
    throw validationError(
      "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
    );
  if ((from as Date).getTime() >= (to as Date).getTime())
    throw validationError(
      "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    );
  const filterArns = optStringList(destination as JsonObject, "FilterArns");
  const description = optString(input, "Description");
  const replay: Replay = {
    name: name as string,
    arn: replayArn(state.place, name as string),
    ...(description === undefined ? {} : { description }),
    archiveArn: archive.arn,
    destination: { Arn: destinationArn, ...(filterArns === undefined ? {} : { FilterArns: filterArns }) },
    from: from as Date,
    to: to as Date,
    state: "STARTING",
    started: state.now(),
  };
  state.replays.set(replay.name, replay);
  const events = archive.events
    .filter((e) => e.at >= replay.from && e.at < replay.to)
    .map((e) => ({ ...e.envelope, "replay-name": replay.name }));
  return {
    body: { ReplayArn: replay.arn, State: replay.state, ReplayStartTime: epochSeconds(replay.started) },
    replay,
    events,
  };
}

function describeReplayOf(replay: Replay): JsonObject {
  return {
    ReplayName: replay.name,
    ReplayArn: replay.arn,
    ...(replay.description === undefined ? {} : { Description: replay.description }),
    State: replay.state,
    ...(replay.stateReason === undefined ? {} : { StateReason: replay.stateReason }),
    EventSourceArn: replay.archiveArn,
    Destination: { ...replay.destination },
    EventStartTime: epochSeconds(replay.from),
    EventEndTime: epochSeconds(replay.to),
    ...(replay.lastReplayed === undefined
      ? {}
      : { EventLastReplayedTime: epochSeconds(replay.lastReplayed) }),
    ReplayStartTime: epochSeconds(replay.started),
    ...(replay.ended === undefined ? {} : { ReplayEndTime: epochSeconds(replay.ended) }),
  };
}

function requireReplay(state: State, name: string | undefined): Replay {
  const replay = name === undefined ? undefined : state.replays.get(name);
  if (replay === undefined) throw notFound(`Replay ${name} does not exist.`);
  return replay;
}

export function describeReplay(state: State, input: JsonObject): JsonObject {
  return describeReplayOf(requireReplay(state, optString(input, "ReplayName")));
}

export function listReplays(state: State, input: JsonObject): JsonObject {
  const prefix = optString(input, "NamePrefix");
  const source = optString(input, "EventSourceArn");
  return {
    Replays: [...state.replays.values()]
      .filter(
        (r) =>
          (prefix === undefined || r.name.startsWith(prefix)) &&
          (source === undefined || r.archiveArn === source),
      )
      .map(describeReplayOf),
  };
}

export function cancelReplay(state: State, input: JsonObject): JsonObject {
  const replay = requireReplay(state, optString(input, "ReplayName"));
  if (replay.state === "COMPLETED" || replay.state === "CANCELLED" || replay.state === "FAILED")
    throw new EventBridgeApiError(
      "IllegalStatusException",
      `Replay ${replay.name} is not in a valid state for this operation.`,
    );
  replay.state = "CANCELLING";
  return { ReplayArn: replay.arn, State: replay.state };
}

/** AWS JSON timestamps are epoch seconds; ISO text is taken too. */
function timestamp(value: unknown, at: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === "number"
      ? new Date(value * 1000)
      : typeof value === "string"
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime()) || isJsonObject(value))
    throw validationError(`Parameter ${at} is not valid. Reason: it must be a timestamp.`);
  return date;
}
