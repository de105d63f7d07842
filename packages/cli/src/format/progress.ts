/** A one-line progress bar, redrawn in place on a terminal and printed once at the end otherwise. */
export function progressBar(out: NodeJS.WriteStream | NodeJS.WritableStream, total: number, label: string) {
  const tty = "isTTY" in out && out.isTTY === true;
  const draw = (done: number, failed: number) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    return `${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total}${failed ? ` (${failed} failed)` : ""}`;
  };
  return {
    update(done: number, failed: number) {
      if (tty) out.write(`\r${draw(done, failed)}`);
    },
    finish(done: number, failed: number) {
      out.write(`${tty ? "\r" : ""}${draw(done, failed)}\n`);
    },
  };
}
