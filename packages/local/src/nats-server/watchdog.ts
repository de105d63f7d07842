import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";

/** How long the watchdog lets nats-server shut down cleanly after SIGTERM before it sends SIGKILL. */
const GRACE_SECONDS = 5;

// POSIX sh, so it runs wherever nats-server does without a Node process of its own. `read` returns at
// end of input, which is when every copy of the pipe's write end is closed: the owner exited, however
// it ended (SIGKILL included, when no `exit` handler runs).
const SCRIPT = `read _ignored; kill -TERM "$1" 2>/dev/null || exit 0; sleep ${GRACE_SECONDS}; kill -KILL "$1" 2>/dev/null; exit 0`;

export interface Watchdog {
  /** Called once the server has exited: the watchdog has nothing left to guard. */
  dismiss(): void;
}

/**
 * Ends the server `pid` when this process ends. nats-server cannot notice its parent's death itself,
 * and it runs in a process group of its own (see spawn.ts), so nothing else would stop it after a
 * SIGKILL of its owner. The watchdog holds the read end of a pipe whose write end only we hold.
 */
export function startWatchdog(pid: number): Watchdog {
  const child: ChildProcess = spawn("/bin/sh", ["-c", SCRIPT, "junction-nats-watchdog", String(pid)], {
    stdio: ["pipe", "ignore", "ignore"],
    // Its own group too: a terminal's Ctrl-C must not end it before its owner has stopped the server.
    detached: true,
  });
  child.on("error", () => {}); // no /bin/sh: the server is still stopped by stop() and on "exit"
  child.stdin?.on("error", () => {});
  // Neither keeps this process alive; the pipe stays open as long as the process lives.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  return {
    dismiss: () => {
      child.kill("SIGKILL");
      child.stdin?.destroy();
    },
  };
}
