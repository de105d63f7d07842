import { randomUUID } from "node:crypto";
import { AsyncInvocations } from "./async-invocations.ts";
import { type ResolvedFunction, resolveFunctions } from "./config.ts";
import { LambdaServiceError } from "./errors.ts";
import type { EventInvokeConfig } from "./event-invoke-config.ts";
import { type Completion, FunctionRunner, type Job } from "./function-runner.ts";
import { handleLambdaHttp } from "./http.ts";
import { resolveFunctionRef } from "./names.ts";
import type {
  InvocationType,
  InvokeOptions,
  InvokeResult,
  LocalLambda,
  LocalLambdaOptions,
} from "./types.ts";

/** Invoke's payload quotas (AWS Invoke API reference): 6 MB synchronous, 1 MB asynchronous. */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
export const EVENT_PAYLOAD_LIMIT = 1024 * 1024;
/** The response quota, in the number AWS's own error message gives. */
const RESPONSE_LIMIT = 6_291_556;
const TYPES: readonly InvocationType[] = ["RequestResponse", "Event", "DryRun"];

/**
 * Junction's local Lambda: the functions of junction.yaml served through the Invoke API (see
 * `http.ts`) and `invoke()`. Each function runs in its own worker thread, loaded once and reused;
 * invocations of one function run one at a time, in order.
 */
export function createLocalLambda(options: LocalLambdaOptions): LocalLambda {
  const functions = resolveFunctions(options.functions, options.baseDir);
  const runners = new Map<string, FunctionRunner>();
  for (const fn of functions.values()) {
    const onLog = (line: string) => options.onLog?.(fn.name, line);
    runners.set(fn.name, new FunctionRunner(fn, onLog, options.maxQueued ?? 1000));
  }
  const createdAt = new Date();
  const reserved = new Map<string, number>();
  /** Invocations of each function queued or running (the local stand-in for concurrent executions). */
  const inFlight = new Map<string, number>();

  const run = (name: string, job: Job): Promise<Completion> => {
    const done = (runners.get(name) as FunctionRunner).run(job);
    inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
    const settled = () => inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
    done.then(settled, settled);
    return done;
  };

  const eventConfigs = new Map<string, EventInvokeConfig>();
  const deadLetterTargets = new Map<string, string>();
  const events = new AsyncInvocations({
    run,
    throttled: (name) => reserved.get(name) === 0,
    config: (name) => eventConfigs.get(name),
    deadLetterTarget: (name) => deadLetterTargets.get(name),
    functionArn: (name) => (functions.get(name) as ResolvedFunction).arn,
    send: options.sendInvocationRecord,
    sendDeadLetter: options.sendDeadLetter,
    timeScale: options.asyncTimeScale ?? 1,
  });

  const functionNamed = (functionName: string): string =>
    resolveFunctionRef(functionName, undefined, (name) => runners.has(name)).name;

  const invoke = async (functionName: string, payload: Uint8Array, opts: InvokeOptions = {}) => {
    const type = opts.type ?? "RequestResponse";
    if (!TYPES.includes(type)) {
      throw new LambdaServiceError(
        400,
        "ValidationException",
        `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: ` +
          "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
      );
    }
    const ref = resolveFunctionRef(functionName, opts.qualifier, (name) => runners.has(name));
    checkSize(payload.byteLength, type);
    const event = parsePayload(payload);
    const clientContext =
      opts.clientContext === undefined ? undefined : decodeClientContext(opts.clientContext);
    const requestId = randomUUID();
    if (type === "DryRun")
      return { statusCode: 204, requestId, payload: new Uint8Array() } satisfies InvokeResult;

    // AWS hands ClientContext to synchronous invocations only.
    const job: Job = {
      requestId,
      event,
      invokedFunctionArn: ref.invokedArn,
      ...(type === "RequestResponse" && clientContext !== undefined ? { clientContext } : {}),
    };
    if (type === "Event") {
      events.accept(ref.name, job);
      return { statusCode: 202, requestId, payload: new Uint8Array() } satisfies InvokeResult;
    }
    const limit = reserved.get(ref.name);
    if (limit !== undefined && (inFlight.get(ref.name) ?? 0) >= limit)
      throw new LambdaServiceError(429, "TooManyRequestsException", "Rate Exceeded.", {
        Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
        Type: "User",
      });
    const completion = await run(ref.name, job);
    let { ok, body } = completion;
    if (Buffer.byteLength(body) > RESPONSE_LIMIT) {
      ok = false;
      body = JSON.stringify({
        errorType: "Function.ResponseSizeTooLarge",
        errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`,
      });
    }
    return {
      statusCode: 200,
      requestId,
      payload: new TextEncoder().encode(body),
      executedVersion: "$LATEST",
      ...(ok ? {} : { functionError: "Unhandled" }),
      ...(opts.logType === "Tail" ? { logResult: completion.log.tail() } : {}),
    } satisfies InvokeResult;
  };

  const lambda: LocalLambda = {
    functionNames: [...functions.keys()],
    invoke,
    handle: (req, res) =>
      handleLambdaHttp(req, res, {
        invoke,
        reservedConcurrency: (name) => reserved.get(functionNamed(name)),
        setReservedConcurrency: (functionName, limit) => {
          const name = functionNamed(functionName);
          if (limit === undefined) reserved.delete(name);
          else reserved.set(name, limit);
          if (limit !== 0) events.release(name);
        },
        deadLetterTarget: (functionName) => deadLetterTargets.get(functionNamed(functionName)),
        setDeadLetterTarget: (functionName, targetArn) => {
          const name = functionNamed(functionName);
          if (targetArn === undefined) deadLetterTargets.delete(name);
          else deadLetterTargets.set(name, targetArn);
        },
        eventInvokeConfig: (functionName) => eventConfigs.get(functionNamed(functionName)),
        setEventInvokeConfig: (functionName, config) => {
          const name = functionNamed(functionName);
          if (config === undefined) eventConfigs.delete(name);
          else eventConfigs.set(name, config);
        },
        functions: functions as ReadonlyMap<string, ResolvedFunction>,
        createdAt,
      }),
    close: async () => {
      events.close();
      await Promise.all([...runners.values()].map((runner) => runner.close()));
    },
  };
  return lambda;
}

function checkSize(bytes: number, type: InvocationType): void {
  if (type === "Event" && bytes > EVENT_PAYLOAD_LIMIT) {
    throw new LambdaServiceError(
      413,
      "RequestEntityTooLargeException",
      `${bytes} byte payload is too large for the Event invocation type (limit ${EVENT_PAYLOAD_LIMIT} bytes)`,
    );
  }
  if (bytes > SYNC_PAYLOAD_LIMIT) {
    throw new LambdaServiceError(
      413,
      "RequestEntityTooLargeException",
      `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
    );
  }
}

/** The payload as JSON text; an empty payload is `{}`, as AWS passes it. */
function parsePayload(payload: Uint8Array): string {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8");
  if (text === "") return "{}";
  try {
    JSON.parse(text);
  } catch (err) {
    throw new LambdaServiceError(
      400,
      "InvalidRequestContentException",
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
    );
  }
  return text;
}

function decodeClientContext(base64: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // Reported below.
  }
  throw new LambdaServiceError(
    400,
    "InvalidRequestContentException",
    "Client context must be a valid Base64-encoded JSON object.",
  );
}
