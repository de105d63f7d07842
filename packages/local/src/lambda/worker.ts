/**
 * Entry point of one function's worker thread: the local equivalent of a warm Lambda execution
 * environment. It loads the handler module once, then runs one invocation at a time as the host sends
 * them. Its top-level code runs only inside a worker (importing it anywhere else throws).
 */
import { format } from "node:util";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { ErrorPayload, InvokeMessage, WorkerData, WorkerMessage } from "./protocol.ts";
import { runtimeError, toErrorPayload } from "./shapes.ts";

type Handler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

const LEVELS = {
  log: "INFO",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "TRACE",
} as const;

if (parentPort === null) throw new Error("lambda/worker runs only as a worker thread");
await main(parentPort, workerData as WorkerData);

async function main(port: MessagePort, data: WorkerData): Promise<void> {
  const post = (message: WorkerMessage) => port.postMessage(message);
  // Like the Node.js runtime: lines carry the current request id ("undefined" during init).
  let requestId: string | undefined;
  const log = (level: string, text: string) =>
    post({
      type: "log",
      text: `${new Date().toISOString()}\t${requestId ?? "undefined"}\t${level}\t${text}\n`,
    });
  for (const [method, level] of Object.entries(LEVELS)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      log(level, format(...args));
  }
  // The Node.js runtime reports these as the invocation's error and restarts; the host terminates us.
  const crash = (title: string, error: ErrorPayload) => {
    log("ERROR", `${title} \t${formatted(error)}`);
    post({ type: "crash", error });
  };
  process.on("uncaughtException", (err) => crash("Uncaught Exception", toErrorPayload(err)));
  process.on("unhandledRejection", (reason) =>
    crash(
      "Unhandled Promise Rejection",
      runtimeError("Runtime.UnhandledPromiseRejection", String(reason), reason),
    ),
  );

  const loaded = await loadHandler(data);
  if (typeof loaded !== "function") {
    log("ERROR", `Uncaught Exception \t${formatted(loaded)}`);
    post({ type: "init-error", error: loaded });
    return;
  }
  post({ type: "ready" });

  port.on("message", async (message: InvokeMessage) => {
    requestId = message.requestId;
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: data.functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: message.invokedFunctionArn,
      memoryLimitInMB: data.memoryLimitInMB,
      awsRequestId: message.requestId,
      logGroupName: data.logGroupName,
      logStreamName: data.logStreamName,
      clientContext: message.clientContext,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    try {
      const result = await callHandler(loaded, JSON.parse(message.event), context);
      // The runtime answers `null` for `undefined` (and for anything else JSON has no text for).
      const body = JSON.stringify(result) ?? "null";
      post({ type: "result", requestId: message.requestId, body, memoryMb: memoryMb() });
    } catch (err) {
      const error = toErrorPayload(err);
      log("ERROR", `Invoke Error \t${formatted(error)}`);
      post({ type: "failure", requestId: message.requestId, error, memoryMb: memoryMb() });
    }
  });
}

/** Async handlers (a returned promise) and callback-style handlers `(event, context, callback)`. */
function callHandler(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) =>
      error === undefined || error === null ? resolve(result) : reject(error);
    const out = handler(event, context, callback);
    if (typeof (out as PromiseLike<unknown> | undefined)?.then === "function") {
      (out as PromiseLike<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      // A plain synchronous handler that takes no callback: its return value is the result.
      resolve(out);
    }
  });
}

/** Loads the module and finds the export, failing with the Node.js runtime's `Runtime.*` errors. */
async function loadHandler(data: WorkerData): Promise<Handler | ErrorPayload> {
  let mod: unknown;
  try {
    mod = await import(data.moduleUrl);
  } catch (err) {
    if (err instanceof SyntaxError || (err as Error | undefined)?.name === "TransformError") {
      return runtimeError("Runtime.UserCodeSyntaxError", String(err), err);
    }
    const code = (err as { code?: unknown } | undefined)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      return runtimeError("Runtime.ImportModuleError", String(err), err);
    }
    // Thrown by the module's own top-level code: reported as it is, like AWS does.
    return toErrorPayload(err);
  }
  const fn = data.exportPath
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], mod);
  if (fn === undefined || fn === null) {
    return runtimeError("Runtime.HandlerNotFound", `${data.handler} is undefined or not exported`);
  }
  if (typeof fn !== "function")
    return runtimeError("Runtime.HandlerNotFound", `${data.handler} is not a function`);
  return fn as Handler;
}

/** How the runtime prints an error in the log: the body's fields, with the trace as `stack`. */
function formatted(error: ErrorPayload): string {
  return JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace });
}

function memoryMb(): number {
  const usage = process.memoryUsage();
  return Math.ceil((usage.heapUsed + usage.external) / (1024 * 1024));
}
