import type { LocalService } from "../aws/index.ts";
import type { DeadLetterAttributes, InvocationRecord } from "./async-invocations.ts";

/** One function served by the local Lambda (the `functions:` entries of junction.yaml). */
export interface LocalFunction {
  /** `./path/module.mjs#exportName`, relative to `baseDir` (or absolute); dots in the export walk nested objects. */
  readonly handler: string;
  /** Default 3000, AWS's default. */
  readonly timeoutMs?: number;
  /** Added to the function's environment (after the host's and AWS's reserved variables). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface LocalLambdaOptions {
  readonly functions: Readonly<Record<string, LocalFunction>>;
  /** Handler paths are relative to it (the config file's directory). */
  readonly baseDir: string;
  /** Every line of every function's log (START/END/REPORT included) as it is written. */
  readonly onLog?: (functionName: string, line: string) => void;
  /** Invocations that may wait per function before Invoke answers 429; default 1000. */
  readonly maxQueued?: number;
  /** Sends an `Event` invocation's record to its OnSuccess / OnFailure destination (an SQS, Lambda or EventBridge ARN). */
  readonly sendInvocationRecord?: (destinationArn: string, record: InvocationRecord) => Promise<void>;
  /** Sends a failed `Event` invocation's event to the function's dead-letter queue (an SQS ARN), with AWS's attributes. */
  readonly sendDeadLetter?: (
    queueArn: string,
    event: string,
    attributes: DeadLetterAttributes,
  ) => Promise<void>;
  /**
   * How fast `Event` retries and event ages run: 1 (the default) is AWS's, retries after about 1 and
   * 2 minutes; tests lower it (0.01: after 0.6 and 1.2 seconds).
   */
  readonly asyncTimeScale?: number;
}

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export interface InvokeOptions {
  /** Default `RequestResponse`. */
  readonly type?: InvocationType;
  /** `Tail` returns the last 4 KB of the log (RequestResponse only, as on AWS). */
  readonly logType?: "None" | "Tail";
  /** Base64 of a JSON object, handed to the function as `context.clientContext` (RequestResponse only). */
  readonly clientContext?: string;
  /** Only `$LATEST` exists locally. */
  readonly qualifier?: string;
}

/** Invoke's response, field by field (the SDK's `InvokeCommandOutput` without `$metadata`). */
export interface InvokeResult {
  /** 200 RequestResponse, 202 Event, 204 DryRun. */
  readonly statusCode: 200 | 202 | 204;
  readonly requestId: string;
  /** The function's result as JSON, or its error object; empty for Event and DryRun. */
  readonly payload: Uint8Array;
  readonly functionError?: "Unhandled";
  /** Base64 of the last 4 KB of the log, when `logType: "Tail"`. */
  readonly logResult?: string;
  readonly executedVersion?: "$LATEST";
}

export interface LocalLambda extends LocalService {
  readonly functionNames: readonly string[];
  /**
   * Invoke by name, partial ARN or ARN. Requests the Lambda API refuses throw `LambdaServiceError`
   * (with its HTTP status and AWS error type); function errors and timeouts are results.
   */
  invoke(functionName: string, payload: Uint8Array, options?: InvokeOptions): Promise<InvokeResult>;
  /** Terminates every worker; queued invocations fail, queued Event invocations are dropped. */
  close(): Promise<void>;
}
