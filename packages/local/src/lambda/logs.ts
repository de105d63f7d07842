/** What `X-Amz-Log-Result` carries: "the last 4 KB of the execution log, base64-encoded". */
export const LOG_TAIL_BYTES = 4096;

/**
 * The log of one invocation: START, whatever the function wrote, END and REPORT, as CloudWatch
 * shows it. Every line is also passed to `emit` as it comes (for `junction up` to print).
 */
export class InvocationLog {
  readonly #parts: string[] = [];
  readonly #requestId: string;
  readonly #emit: (line: string) => void;
  #pending = "";

  constructor(requestId: string, emit: (line: string) => void) {
    this.#requestId = requestId;
    this.#emit = emit;
    this.append(`START RequestId: ${requestId} Version: $LATEST\n`);
  }

  /** Text as the function wrote it; complete lines are emitted, a partial one waits for its end. */
  readonly append = (text: string): void => {
    this.#parts.push(text);
    const lines = (this.#pending + text).split("\n");
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#emit(line);
  };

  /** END and REPORT lines; `initMs` only for a cold start, like AWS's `Init Duration`. */
  end(durationMs: number, memoryMb: number | undefined, initMs: number | undefined): void {
    if (this.#pending !== "") this.append("\n");
    const id = this.#requestId;
    const fields = [
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.max(1, Math.ceil(durationMs))} ms`,
      "Memory Size: 128 MB",
      ...(memoryMb === undefined ? [] : [`Max Memory Used: ${memoryMb} MB`]),
      ...(initMs === undefined ? [] : [`Init Duration: ${initMs.toFixed(2)} ms`]),
    ];
    this.append(`END RequestId: ${id}\nREPORT RequestId: ${id}\t${fields.join("\t")}\t\n`);
  }

  text(): string {
    return this.#parts.join("");
  }

  /** Base64 of the last 4 KB (bytes, as AWS cuts it). */
  tail(): string {
    const bytes = Buffer.from(this.text(), "utf8");
    return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString("base64");
  }
}
