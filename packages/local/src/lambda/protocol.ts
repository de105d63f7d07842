/** Messages between the host and a function's worker thread (structured-cloned, so plain data only). */

/** What AWS puts in the response body of a failed invocation (the Node.js runtime's shape). */
export interface ErrorPayload {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
}

/** `workerData` of a function's worker: everything it needs to load the handler and build contexts. */
export interface WorkerData {
  readonly functionName: string;
  /** The handler as configured, for error messages (`./fns/status.mjs#handler`). */
  readonly handler: string;
  /** `file:` URL of the handler module. */
  readonly moduleUrl: string;
  /** Export to call; dots walk nested objects like AWS's `index.nested.handler`. */
  readonly exportPath: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface InvokeMessage {
  readonly type: "invoke";
  readonly requestId: string;
  /** The payload as JSON text, already validated by the host. */
  readonly event: string;
  readonly invokedFunctionArn: string;
  /** `Date.now()` after which the invocation has timed out (for `getRemainingTimeInMillis`). */
  readonly deadline: number;
  readonly clientContext?: unknown;
}

export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "init-error"; readonly error: ErrorPayload }
  /** One or more complete log lines, already formatted the way the Lambda runtime formats them. */
  | { readonly type: "log"; readonly text: string }
  | { readonly type: "result"; readonly requestId: string; readonly body: string; readonly memoryMb: number }
  | {
      readonly type: "failure";
      readonly requestId: string;
      readonly error: ErrorPayload;
      readonly memoryMb: number;
    }
  /** An uncaught exception or unhandled rejection: the worker is finished (AWS restarts the runtime). */
  | { readonly type: "crash"; readonly error: ErrorPayload };
