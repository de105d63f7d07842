import { randomBytes } from "node:crypto";
import { LOCAL_REGION } from "../aws/index.ts";
import type { ResolvedFunction } from "./config.ts";
import { LambdaServiceError } from "./errors.ts";
import { InvocationLog } from "./logs.ts";
import type { WorkerData } from "./protocol.ts";
import { exitError, timeoutError, timeoutLogLine } from "./shapes.ts";
import { INIT_TIMEOUT_MS, type SlotOutcome, WorkerSlot } from "./worker-slot.ts";

/** Reported as `context.memoryLimitInMB` and in REPORT lines; not enforced. */
export const MEMORY_MB = 128;

export interface Job {
  readonly requestId: string;
  /** Payload as JSON text. */
  readonly event: string;
  readonly invokedFunctionArn: string;
  readonly clientContext?: unknown;
}

export interface Completion {
  /** false for function errors, crashes, exits and timeouts (`X-Amz-Function-Error: Unhandled`). */
  readonly ok: boolean;
  /** Response body: the result's JSON, or the error object's. */
  readonly body: string;
  readonly log: InvocationLog;
}

interface Queued {
  readonly job: Job;
  readonly resolve: (completion: Completion) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One function: a FIFO queue of invocations run one at a time by one warm worker, like a function
 * with reserved concurrency 1. A worker that crashed, exited or timed out is replaced on the next job.
 */
export class FunctionRunner {
  readonly #fn: ResolvedFunction;
  readonly #onLog: (line: string) => void;
  readonly #maxQueued: number;
  readonly #queue: Queued[] = [];
  #slot: WorkerSlot | undefined;
  #draining = false;
  #closed = false;

  constructor(fn: ResolvedFunction, onLog: (line: string) => void, maxQueued: number) {
    this.#fn = fn;
    this.#onLog = onLog;
    this.#maxQueued = maxQueued;
  }

  /**
   * Queues one invocation. Throws at once (not through the promise) when it cannot be queued, so an
   * Event invocation can still answer 429 before it is accepted.
   */
  run(job: Job): Promise<Completion> {
    if (this.#closed) throw closedError();
    if (this.#queue.length >= this.#maxQueued) {
      throw new LambdaServiceError(429, "TooManyRequestsException", "Rate Exceeded.");
    }
    const done = new Promise<Completion>((resolve, reject) => this.#queue.push({ job, resolve, reject }));
    void this.#drain();
    return done;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) queued.reject(closedError());
    await this.#slot?.terminate();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        next.resolve(await this.#execute(next.job));
      }
    } finally {
      this.#draining = false;
    }
  }

  async #execute(job: Job): Promise<Completion> {
    const log = new InvocationLog(job.requestId, this.#onLog);
    let initMs: number | undefined;
    let slot = this.#slot;
    if (slot === undefined || slot.dead) {
      const started = performance.now();
      slot = this.#spawn();
      this.#slot = slot;
      const init = await slot.init(log.append);
      initMs = performance.now() - started;
      if (init.kind !== "result") return finish(job, log, init, initMs, INIT_TIMEOUT_MS, initMs);
    }
    const started = performance.now();
    const timeoutMs = this.#fn.timeoutMs;
    const outcome = await slot.invoke(
      { type: "invoke", ...job, deadline: Date.now() + timeoutMs },
      timeoutMs,
      log.append,
    );
    return finish(job, log, outcome, performance.now() - started, timeoutMs, initMs);
  }

  #spawn(): WorkerSlot {
    const fn = this.#fn;
    const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
    const data: WorkerData = {
      functionName: fn.name,
      handler: fn.handler,
      moduleUrl: fn.moduleUrl,
      exportPath: fn.exportPath,
      memoryLimitInMB: String(MEMORY_MB),
      logGroupName: `/aws/lambda/${fn.name}`,
      // One stream per execution environment, named the way AWS names them.
      logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split(".")[0]}.x`,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: data.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: data.logStreamName,
      _HANDLER: fn.handler,
      ...fn.env,
    });
    // Output between invocations (a timer firing after the result) still reaches `onLog`.
    const idle = (text: string) => {
      for (const line of text.split("\n")) if (line !== "") this.#onLog(line);
    };
    return new WorkerSlot(data, env, idle);
  }
}

/** Turns how the worker ended into Invoke's body, with the log lines AWS writes for each case. */
function finish(
  job: Job,
  log: InvocationLog,
  outcome: SlotOutcome,
  durationMs: number,
  timeoutMs: number,
  initMs: number | undefined,
): Completion {
  switch (outcome.kind) {
    case "result":
      log.end(durationMs, outcome.memoryMb, initMs);
      return { ok: true, body: outcome.body, log };
    case "failure":
      log.end(durationMs, outcome.memoryMb, initMs);
      return { ok: false, body: JSON.stringify(outcome.error), log };
    case "exit": {
      const error = exitError(job.requestId, outcome.exitCode);
      log.append(`${error.errorMessage}\n${error.errorType}\n`);
      log.end(durationMs, undefined, initMs);
      return { ok: false, body: JSON.stringify(error), log };
    }
    case "timeout": {
      log.end(durationMs, undefined, initMs);
      log.append(`${timeoutLogLine(job.requestId, timeoutMs)}\n`);
      return { ok: false, body: JSON.stringify(timeoutError(job.requestId, timeoutMs)), log };
    }
  }
}

function closedError(): LambdaServiceError {
  return new LambdaServiceError(503, "ServiceException", "The local Lambda has been closed.");
}
