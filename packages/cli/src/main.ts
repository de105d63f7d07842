import { Command, CommanderError } from "commander";
import { registerBench } from "./commands/bench.ts";
import { registerDlq } from "./commands/dlq.ts";
import { registerDown } from "./commands/down.ts";
import { registerProvision } from "./commands/provision.ts";
import { registerPub } from "./commands/pub.ts";
import { registerReq } from "./commands/req.ts";
import { registerRun } from "./commands/run.ts";
import { registerStatus } from "./commands/status.ts";
import { registerSub } from "./commands/sub.ts";
import { registerTrace } from "./commands/trace.ts";
import { registerTranslate } from "./commands/translate.ts";
import { registerUp } from "./commands/up.ts";
import { registerValidate } from "./commands/validate.ts";
import { CliExit, ExitCode } from "./exit-codes.ts";
import { quietAwsNodeNotice } from "./warnings.ts";

quietAwsNodeNotice();

const program = new Command("junction")
  .description("Route NATS subjects to AWS, to HTTP and back.")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
registerUp(program);
registerDown(program);
registerStatus(program);
registerRun(program);
registerValidate(program);
registerTranslate(program);
registerProvision(program);
registerDlq(program);
registerBench(program);
registerPub(program);
registerReq(program);
registerSub(program);
registerTrace(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeOf(err);
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CliExit) {
    process.stderr.write(`junction: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0; usage errors are "invalid input".
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Invalid;
  }
  process.stderr.write(`junction: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return ExitCode.Failure;
}
