import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * `nats-server` from PATH, else Debian's `/usr/sbin/nats-server` (not on PATH for ordinary users).
 * Falls back to the bare name so a missing binary fails at spawn with `NatsServerMissingError`.
 */
export function findNatsServer(path: string = process.env.PATH ?? ""): string {
  for (const dir of [...path.split(delimiter).filter(Boolean), "/usr/sbin", "/usr/local/sbin"]) {
    const candidate = join(dir, "nats-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return "nats-server";
}
