import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/** What nats-server writes to `<ports_file_dir>/<exe>_<pid>.ports` once it listens. */
export interface NatsPorts {
  nats: string[];
  monitoring?: string[];
  cluster?: string[];
}

// The prefix is the executable's base name, so match on the pid only.
const isPortsFileOf = (pid: number) => (name: string) => name.endsWith(`_${pid}.ports`);

/** Reads the ports file of `pid` in `dir`; `undefined` while it is missing or half-written. */
export async function readPortsFile(dir: string, pid: number): Promise<NatsPorts | undefined> {
  const name = (await readdir(dir)).find(isPortsFileOf(pid));
  if (name === undefined) return undefined;
  try {
    const ports = JSON.parse(await readFile(join(dir, name), "utf8")) as NatsPorts;
    return Array.isArray(ports.nats) && ports.nats.length > 0 ? ports : undefined;
  } catch {
    return undefined;
  }
}

/** nats-server removes its ports file on a clean shutdown but not when killed; tidy up after it. */
export async function removePortsFile(dir: string, pid: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter(isPortsFileOf(pid)).map((name) => rm(join(dir, name), { force: true })));
}
