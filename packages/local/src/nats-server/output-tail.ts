/** Keeps the last `maxLines` lines of a stream (the server's stderr) for error messages. */
export class OutputTail {
  readonly #lines: string[] = [];
  #partial = "";

  constructor(readonly maxLines = 40) {}

  push(chunk: string): void {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    this.#lines.push(...parts);
    if (this.#lines.length > this.maxLines) this.#lines.splice(0, this.#lines.length - this.maxLines);
  }

  text(): string {
    const lines = this.#partial === "" ? this.#lines : [...this.#lines, this.#partial];
    return lines.slice(-this.maxLines).join("\n");
  }
}
