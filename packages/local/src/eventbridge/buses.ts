import { busArn, busRef, DEFAULT_BUS, type Place } from "./arns.ts";
import {
  BUS_NAME_PATTERN,
  BUS_NAME_PATTERN_TEXT,
  Constraints,
  type JsonObject,
  optString,
  page,
} from "./constraints.ts";
import { busNotFound, EventBridgeApiError, validationError } from "./errors.ts";
import type { Archive, Bus, Replay } from "./model.ts";

/** Everything one local EventBridge holds. */
export interface State {
  readonly place: Place;
  readonly now: () => Date;
  readonly buses: Map<string, Bus>;
  readonly archives: Map<string, Archive>;
  readonly replays: Map<string, Replay>;
}

export function newState(place: Place, now: () => Date): State {
  const buses = new Map<string, Bus>();
  buses.set(DEFAULT_BUS, {
    name: DEFAULT_BUS,
    arn: busArn(place, DEFAULT_BUS),
    created: now(),
    rules: new Map(),
  });
  return { place, now, buses, archives: new Map(), replays: new Map() };
}

/** The bus an `EventBusName` (name or ARN, absent = default) names; ResourceNotFound when there is none. */
export function requireBus(state: State, nameOrArn: string | undefined): Bus {
  const ref = busRef(state.place, nameOrArn);
  const bus = ref.local ? state.buses.get(ref.name) : undefined;
  if (bus === undefined) throw busNotFound(ref.name);
  return bus;
}

/** AWS JSON timestamps are epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function describe(bus: Bus): JsonObject {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description === undefined ? {} : { Description: bus.description }),
    CreationTime: epochSeconds(bus.created),
    LastModifiedTime: epochSeconds(bus.created),
  };
}

export function createEventBus(state: State, input: JsonObject): JsonObject {
  const name = optString(input, "Name");
  const description = optString(input, "Description");
  const c = new Constraints();
  if (c.required(name, "name"))
    c.string(name, "name", {
      min: 1,
      max: 256,
      pattern: BUS_NAME_PATTERN,
      patternText: BUS_NAME_PATTERN_TEXT,
    });
  c.string(description, "description", { max: 512 });
  c.check();
  const busName = name as string;
  if (optString(input, "EventSourceName") !== undefined)
    throw validationError(
      "Partner event buses (EventSourceName) are not supported by the local EventBridge.",
    );
  if (state.buses.has(busName))
    throw new EventBridgeApiError("ResourceAlreadyExistsException", `Event bus ${busName} already exists.`);
  // Only partner buses (named after their event source) may contain "/".
  if (busName.includes("/")) throw validationError("Event bus name must not contain '/'.");
  const bus: Bus = {
    name: busName,
    arn: busArn(state.place, busName),
    ...(description === undefined ? {} : { description }),
    created: state.now(),
    rules: new Map(),
  };
  state.buses.set(busName, bus);
  return { EventBusArn: bus.arn, ...(description === undefined ? {} : { Description: description }) };
}

/** Deleting a bus takes its rules with it; deleting a bus that does not exist succeeds, as on AWS. */
export function deleteEventBus(state: State, input: JsonObject): JsonObject {
  const name = optString(input, "Name");
  const c = new Constraints();
  if (c.required(name, "name")) c.string(name, "name", { min: 1, max: 256 });
  c.check();
  if (name === DEFAULT_BUS) throw validationError("Cannot delete event bus default.");
  state.buses.delete(name as string);
  return {};
}

export function describeEventBus(state: State, input: JsonObject): JsonObject {
  return describe(requireBus(state, optString(input, "Name")));
}

export function listEventBuses(state: State, input: JsonObject): JsonObject {
  const prefix = optString(input, "NamePrefix");
  const c = new Constraints();
  c.string(prefix, "namePrefix", {
    min: 1,
    max: 256,
    pattern: BUS_NAME_PATTERN,
    patternText: BUS_NAME_PATTERN_TEXT,
  });
  const buses = [...state.buses.values()]
    .filter((bus) => prefix === undefined || bus.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { items, nextToken } = page(buses, input, c);
  return { EventBuses: items.map(describe), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
}
