import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What `junction up` writes to `.junction/endpoints.json` once the stack is ready. */
export interface StackEndpoints {
  readonly nats?: string;
  readonly aws?: string;
  readonly gateway?: string;
  /** The bridge's Prometheus endpoint. */
  readonly metrics?: string;
  /** The bridge's ops endpoint: /metrics, /healthz, /readyz and /status (read by `junction status`). */
  readonly ops?: string;
}

/** `.junction/` of the current directory: the stack's data and endpoints (DESIGN.md, CLI contract). */
export const STACK_DIR = ".junction";
const FILE = join(STACK_DIR, "endpoints.json");

/** The endpoints of the stack running in this directory, or {} when none is. */
export function readStackEndpoints(): StackEndpoints {
  try {
    const parsed = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>;
    const pick = (k: string) => (typeof parsed[k] === "string" ? { [k]: parsed[k] as string } : {});
    return { ...pick("nats"), ...pick("aws"), ...pick("gateway"), ...pick("metrics"), ...pick("ops") };
  } catch {
    return {};
  }
}

/** Written with this process's pid, so that only this process removes it again. */
export function writeStackEndpoints(endpoints: StackEndpoints): void {
  mkdirSync(STACK_DIR, { recursive: true });
  writeFileSync(FILE, `${JSON.stringify({ ...endpoints, pid: process.pid }, null, 2)}\n`);
}

/** Removes the file unless a stack started later from this directory has written its own since. */
export function removeStackEndpoints(): void {
  try {
    if (JSON.parse(readFileSync(FILE, "utf8")).pid !== process.pid) return;
  } catch {
    return;
  }
  rmSync(FILE, { force: true });
}
