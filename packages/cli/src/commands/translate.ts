import { formatTranslation, MappingError, NoRouteError, translate } from "@junction/bridge";
import { InvalidSubjectError } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { collectHeader, parseHeaders, parsePositive } from "./args.ts";
import { loadConfigOrExit } from "./config-file.ts";

interface TranslateOptions {
  config: string;
  data?: string;
  header: string[];
  seq?: string;
  time?: string;
}

export function registerTranslate(program: Command): void {
  program
    .command("translate")
    .description("show offline which AWS call a message on SUBJECT becomes (exit 3: no route, 4: unmappable)")
    .argument("<subject>", "NATS subject, e.g. work.nlp.high.summarize")
    .option("-c, --config <file>", "config file", "junction.yaml")
    .option("--data <json>", "message payload")
    .option("--header <K=V>", "message header (repeatable)", collectHeader, [])
    .option("--seq <n>", "stream sequence for {$seq}")
    .option("--time <iso>", "message time for {$time} / {$unix} (default: now)")
    .action(async (subject: string, opts: TranslateOptions) => {
      const { routes } = await loadConfigOrExit(opts.config);
      const input = {
        subject,
        data: new TextEncoder().encode(opts.data ?? ""),
        headers: parseHeaders(opts.header),
        ...(opts.seq === undefined ? {} : { seq: parsePositive("--seq", opts.seq) }),
        ...(opts.time === undefined ? {} : { time: parseTime(opts.time) }),
      };
      try {
        process.stdout.write(`${formatTranslation(translate(routes, input))}\n`);
      } catch (err) {
        if (err instanceof InvalidSubjectError)
          throw new CliExit(ExitCode.Invalid, err.message, { cause: err });
        if (err instanceof NoRouteError) throw new CliExit(ExitCode.NoRoute, err.message, { cause: err });
        if (err instanceof MappingError) {
          throw new CliExit(ExitCode.Unmappable, `cannot map the message: ${err.message}`, { cause: err });
        }
        throw err;
      }
    });
}

function parseTime(text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime()))
    throw new CliExit(ExitCode.Invalid, `--time ${text}: use an ISO-8601 time`);
  return time;
}
