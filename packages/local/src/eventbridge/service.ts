import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  type AwsRequest,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  type LocalService,
  sendAwsError,
  sendJson,
} from "../aws/index.ts";
import {
  cancelReplay,
  createArchive,
  deleteArchive,
  describeArchive,
  describeReplay,
  listArchives,
  listReplays,
  startReplay,
  updateArchive,
} from "./archives.ts";
import { eventTime, type Place } from "./arns.ts";
import {
  createEventBus,
  deleteEventBus,
  describeEventBus,
  listEventBuses,
  newState,
  type State,
} from "./buses.ts";
import { isJsonObject, type JsonObject } from "./constraints.ts";
import { createDispatcher, type DeliveryDeps, type Dispatcher } from "./delivery.ts";
import { EventBridgeApiError, serializationError } from "./errors.ts";
import { type AcceptedEvent, acceptEntries, type PutEventsResult, testEventPattern } from "./events.ts";
import type { DeliveryFailure } from "./model.ts";
import { InvalidEventPatternError } from "./pattern/index.ts";
import { deleteRule, describeRule, listRules, putRule, setRuleState } from "./rules.ts";
import { listTargetsByRule, putTargets, removeTargets } from "./targets.ts";

export interface LocalEventBridgeDeps extends DeliveryDeps {
  readonly region?: string;
  readonly accountId?: string;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /**
   * The largest total size of one PutEvents request's entries, as AWS computes it (default 256 KiB,
   * the limit of the "Calculating PutEvents event entry size" page).
   */
  readonly maxEntryBytes?: number;
}

/** A PutEvents entry, as the AWS SDK's `PutEventsRequestEntry` (which can be passed as is). */
export interface PutEventsEntry {
  readonly Source?: string | undefined;
  readonly DetailType?: string | undefined;
  /** JSON text of an object. */
  readonly Detail?: string | undefined;
  readonly Resources?: readonly string[] | undefined;
  /** Name or ARN; `default` when absent. */
  readonly EventBusName?: string | undefined;
  readonly Time?: Date | undefined;
}

export interface LocalEventBridge extends LocalService {
  /** PutEvents without HTTP: the same validation, answer and asynchronous delivery. */
  putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
  /** Deliveries that did not happen, oldest first: all of them, or one rule's (by rule ARN). */
  deliveryFailures(ruleArn?: string): readonly DeliveryFailure[];
  /** Resolves once every delivery started so far has finished (or failed). */
  settled(): Promise<void>;
  /** Stops delivering new events and waits for the deliveries under way. */
  close(): Promise<void>;
}

type Operation = (state: State, input: JsonObject) => JsonObject;

const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  Object.entries({
    CreateEventBus: createEventBus,
    DeleteEventBus: deleteEventBus,
    DescribeEventBus: describeEventBus,
    ListEventBuses: listEventBuses,
    PutRule: putRule,
    DescribeRule: describeRule,
    ListRules: listRules,
    DeleteRule: deleteRule,
    EnableRule: (state, input) => setRuleState(state, input, "ENABLED"),
    DisableRule: (state, input) => setRuleState(state, input, "DISABLED"),
    PutTargets: putTargets,
    RemoveTargets: removeTargets,
    ListTargetsByRule: listTargetsByRule,
    TestEventPattern: (_state: State, input: JsonObject) => testEventPattern(input),
    CreateArchive: createArchive,
    DescribeArchive: describeArchive,
    ListArchives: listArchives,
    UpdateArchive: updateArchive,
    DeleteArchive: deleteArchive,
    DescribeReplay: describeReplay,
    ListReplays: listReplays,
    CancelReplay: cancelReplay,
  } satisfies Record<string, Operation>),
);

const TARGET_PREFIX = "AWSEvents.";

type Answer =
  | { readonly body: unknown; readonly after?: () => void }
  | { readonly status: number; readonly error: string; readonly message: string };

/**
 * Junction's local EventBridge: an AWS JSON 1.1 service (`X-Amz-Target: AWSEvents.<Operation>`)
 * holding buses, rules and targets in memory, matching PutEvents events with the event-pattern
 * matcher and delivering to SQS, Lambda (through `deps`) and other buses.
 */
export function createLocalEventBridge(deps: LocalEventBridgeDeps): LocalEventBridge {
  const place: Place = { region: deps.region ?? LOCAL_REGION, accountId: deps.accountId ?? LOCAL_ACCOUNT_ID };
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const maxEntryBytes = deps.maxEntryBytes ?? 256 * 1024;
  const state = newState(place, now);
  const dispatcher: Dispatcher = createDispatcher(state, deps);
  let closed = false;

  const accept = (input: JsonObject): { result: PutEventsResult; accepted: AcceptedEvent[]; at: string } => {
    const at = eventTime(now());
    return { ...acceptEntries(input, { place, now, newId, maxEntryBytes }), at };
  };

  /** The answer to one request, and what to do once it is sent. */
  const answer = (req: AwsRequest): Answer => {
    if (closed)
      return {
        status: 503,
        error: "ServiceUnavailableException",
        message: "the local EventBridge is closed",
      };
    const target = headerText(req.headers["x-amz-target"]) ?? "";
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    const run = OPERATIONS.get(operation);
    if (
      req.method !== "POST" ||
      (run === undefined && operation !== "PutEvents" && operation !== "StartReplay")
    )
      return {
        status: 400,
        error: "UnknownOperationException",
        message: `the local EventBridge does not support ${req.method} ${target || "(no X-Amz-Target)"}`,
      };
    try {
      const input = decode(req.body);
      if (run !== undefined) return { body: run(state, input) };
      if (operation === "StartReplay") {
        const { body, replay, events } = startReplay(state, input);
        return { body, after: () => dispatcher.replay(replay, events) };
      }
      const { result, accepted, at } = accept(input);
      // Delivery starts once the answer is on its way, as on AWS.
      return { body: result, after: () => dispatcher.dispatch(accepted, at) };
    } catch (err) {
      if (err instanceof EventBridgeApiError)
        return { status: err.status, error: err.awsCode, message: err.message };
      if (err instanceof InvalidEventPatternError)
        return { status: 400, error: err.awsCode, message: err.message };
      const message = `local EventBridge: ${err instanceof Error ? err.message : String(err)}`;
      return { status: 500, error: "InternalException", message };
    }
  };

  const handle = (req: AwsRequest, res: ServerResponse): void => {
    const outcome = answer(req);
    if ("error" in outcome) {
      sendAwsError(res, outcome.status, outcome.error, outcome.message);
    } else {
      sendJson(res, 200, outcome.body);
      outcome.after?.();
    }
  };

  return {
    handle,
    async putEvents(entries) {
      const { result, accepted, at } = accept({ Entries: entries.map(toJsonEntry) });
      if (!closed) dispatcher.dispatch(accepted, at);
      return result;
    },
    deliveryFailures: (ruleArn) => dispatcher.failures(ruleArn),
    settled: () => dispatcher.settled(),
    async close() {
      closed = true;
      await dispatcher.close();
    },
  };
}

function decode(body: Buffer): JsonObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw serializationError("the request body is not JSON");
  }
  if (!isJsonObject(parsed)) throw serializationError("the request body is not a JSON object");
  return parsed;
}

function toJsonEntry(entry: PutEventsEntry): JsonObject {
  const { Time, ...rest } = entry;
  return Time === undefined ? { ...rest } : { ...rest, Time: Time.getTime() / 1000 };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
