import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What `junction up` writes to `.junction/endpoints.json` once the stack is ready. */
export interface StackEndpoints {
  readonly nats?: string;
  readonly aws?: string;
  readonly gateway?: string;
  /** The bridge's Prometheus endpoint. */
  readonly metrics?: string;
}

/** `.junction/` of the current directory: the stack's data and endpoints (DESIGN.md, CLI contract). */
export const STACK_DIR = ".junction";
const FILE = join(STACK_DIR, "endpoints.json");

/** The endpoints of the stack running in this directory, or {} when none is. */
export function readStackEndpoints(): StackEndpoints {
  try {
    const parsed = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>;
    const pick = (k: string) => (typeof parsed[k] === "string" ? { [k]: parsed[k] as string } : {});
    return { ...pick("nats"), ...pick("aws"), ...pick("gateway"), ...pick("metrics") };
  } catch {
    return {};
  }
}

export function writeStackEndpoints(endpoints: StackEndpoints): void {
  mkdirSync(STACK_DIR, { recursive: true });
  writeFileSync(FILE, `${JSON.stringify(endpoints, null, 2)}\n`);
}

export function removeStackEndpoints(): void {
  rmSync(FILE, { force: true });
}
