import { Worker } from "node:worker_threads";
import type { ErrorPayload, InvokeMessage, WorkerData, WorkerMessage } from "./protocol.ts";

/** How one invocation (or the init before it) ended, as the host sees it. */
export type SlotOutcome =
  | { readonly kind: "result"; readonly body: string; readonly memoryMb: number }
  | { readonly kind: "failure"; readonly error: ErrorPayload; readonly memoryMb?: number }
  | { readonly kind: "exit"; readonly exitCode: number }
  | { readonly kind: "timeout" };

/** Init phase limit, separate from the function timeout as on AWS (10 s there too). */
export const INIT_TIMEOUT_MS = 10_000;

/**
 * One worker thread running one function: loads the module once (`ready`), then runs one invocation
 * at a time. After a crash, an exit or a timeout it is `dead` and the owner starts a new one.
 */
export class WorkerSlot {
  readonly #worker: Worker;
  #dead = false;
  #settle: ((outcome: SlotOutcome) => void) | undefined;
  /** Where log text goes right now: the current invocation's log, else the idle sink. */
  #sink: (text: string) => void;
  readonly #idleSink: (text: string) => void;
  readonly exited: Promise<void>;

  constructor(data: WorkerData, env: Record<string, string>, idleSink: (text: string) => void) {
    this.#idleSink = idleSink;
    this.#sink = idleSink;
    this.#worker = spawn(data, env);
    this.#worker.stdout.setEncoding("utf8").on("data", (text: string) => this.#sink(text));
    this.#worker.stderr.setEncoding("utf8").on("data", (text: string) => this.#sink(text));
    this.#worker.on("message", (message: WorkerMessage) => this.#onMessage(message));
    // A worker-level error (e.g. its entry failed to load) ends the worker; `exit` follows.
    this.#worker.on("error", (err) => this.#finish({ kind: "failure", error: errorOf(err) }));
    this.exited = new Promise((resolve) =>
      this.#worker.once("exit", (exitCode) => {
        this.#dead = true;
        this.#finish({ kind: "exit", exitCode });
        resolve();
      }),
    );
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Waits for the module to load; `result` means ready. Logs written meanwhile go to `sink`. */
  init(sink: (text: string) => void): Promise<SlotOutcome> {
    return this.#run(sink, INIT_TIMEOUT_MS, () => {});
  }

  invoke(message: InvokeMessage, timeoutMs: number, sink: (text: string) => void): Promise<SlotOutcome> {
    return this.#run(sink, timeoutMs, () => this.#worker.postMessage(message));
  }

  async terminate(): Promise<void> {
    this.#dead = true;
    await this.#worker.terminate();
    await this.exited;
  }

  #run(sink: (text: string) => void, timeoutMs: number, start: () => void): Promise<SlotOutcome> {
    if (this.#dead) return Promise.resolve({ kind: "exit", exitCode: 1 });
    this.#worker.ref();
    this.#sink = sink;
    return new Promise<SlotOutcome>((resolve) => {
      const timer = setTimeout(() => {
        // A hung handler cannot be interrupted any other way: the whole worker goes.
        this.#finish({ kind: "timeout" });
        void this.terminate();
      }, timeoutMs);
      this.#settle = (outcome) => {
        clearTimeout(timer);
        this.#settle = undefined;
        this.#sink = this.#idleSink;
        // An idle warm worker must not keep the host process alive.
        this.#worker.unref();
        resolve(outcome);
      };
      start();
    });
  }

  #finish(outcome: SlotOutcome): void {
    this.#settle?.(outcome);
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case "log":
        this.#sink(message.text);
        return;
      case "ready":
        this.#finish({ kind: "result", body: "", memoryMb: 0 });
        return;
      case "init-error":
        this.#finish({ kind: "failure", error: message.error });
        void this.terminate();
        return;
      case "result":
        this.#finish({ kind: "result", body: message.body, memoryMb: message.memoryMb });
        return;
      case "failure":
        this.#finish({ kind: "failure", error: message.error, memoryMb: message.memoryMb });
        return;
      case "crash":
        // The runtime is gone on AWS too: report the error, then start afresh next time.
        this.#finish({ kind: "failure", error: message.error });
        void this.terminate();
        return;
    }
  }
}

function spawn(data: WorkerData, env: Record<string, string>): Worker {
  const options = { workerData: data, env, stdout: true, stderr: true } as const;
  const source = import.meta.url.endsWith(".ts");
  const entry = new URL(source ? "./worker.ts" : "./worker.js", import.meta.url);
  if (!source) return new Worker(entry, options);
  // Running from TypeScript source (tests, `--conditions=source`): Node 20 workers don't get the
  // parent's `--import tsx` loader, so the worker registers tsx itself before loading its entry.
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function errorOf(err: unknown): ErrorPayload {
  const e = err as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  return {
    errorType: typeof e?.name === "string" ? e.name : "Error",
    errorMessage: typeof e?.message === "string" ? e.message : String(err),
    trace: typeof e?.stack === "string" ? e.stack.split("\n") : [],
  };
}
