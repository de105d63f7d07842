import { open } from "node:fs/promises";

/** Last `maxLines` lines of a (possibly large) log file; empty when it cannot be read. */
export async function readLogTail(path: string, maxLines = 40, maxBytes = 16_384): Promise<string> {
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      return buffer.toString("utf8").trimEnd().split("\n").slice(-maxLines).join("\n");
    } finally {
      await file.close();
    }
  } catch {
    return "";
  }
}
