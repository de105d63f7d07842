import { resolve } from "node:path";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { STACK_DIR } from "../stack-endpoints.ts";
import { isAlive, runningStacks, stateDirOf } from "../up/state.ts";

/** `junction up` stops within 10 s of SIGTERM (DESIGN.md); this leaves room for a slow machine. */
const WAIT_MS = 15_000;

export function registerDown(program: Command): void {
  program
    .command("down")
    .description(`stop the stack(s) \`junction up\` runs from this directory (see ${STACK_DIR}/)`)
    .option("-c, --config <file>", "only the stack of this config file")
    .action(async (opts: { config?: string }) => {
      const wanted = opts.config === undefined ? undefined : resolve(stateDirOf(opts.config));
      const stacks = runningStacks().filter((s) => wanted === undefined || resolve(s.dir) === wanted);
      if (stacks.length === 0) {
        process.stdout.write("no stack is running from this directory\n");
        return;
      }
      for (const stack of stacks) process.kill(stack.pid, "SIGTERM");
      const end = Date.now() + WAIT_MS;
      while (stacks.some((s) => isAlive(s.pid)) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const left = stacks.filter((s) => isAlive(s.pid));
      for (const stack of stacks) {
        if (!left.includes(stack)) process.stdout.write(`stopped ${stack.config} (pid ${stack.pid})\n`);
      }
      if (left.length > 0) {
        const pids = left.map((s) => s.pid).join(", ");
        throw new CliExit(ExitCode.Failure, `still running after ${WAIT_MS / 1000} s: pid ${pids}`);
      }
    });
}
