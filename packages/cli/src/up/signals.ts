/** Why a long-running command stops. */
export type StopReason = NodeJS.Signals | "parent exited";

/** How often the parent is checked: a stop within a second of the wrapper's end. */
const PARENT_POLL_MS = 500;

/**
 * Resolves on the first SIGINT or SIGTERM, or when the process that started this one goes away.
 * The latter covers wrappers that do not pass signals on: `npx junction up &` then `kill -TERM` of
 * npx ends npm and its shell, never reaching us; the shell's end reparents us, which we see here.
 */
export function waitForStopSignal(): Promise<StopReason> {
  const parent = process.ppid;
  return new Promise((resolve) => {
    const done = (reason: StopReason) => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      clearInterval(watch);
      resolve(reason);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    // Started directly by init (a service manager that never goes away) there is no parent to watch.
    const watch = setInterval(() => {
      if (parent !== 1 && process.ppid !== parent) done("parent exited");
    }, PARENT_POLL_MS);
    watch.unref();
  });
}
