import { ConfigError, formatProblem, type LoadedConfig, loadConfigFile } from "@junction/bridge";
import { CliExit, ExitCode } from "../exit-codes.ts";

/** Loads a config for a command; an invalid one ends the command with exit 2 and one line per problem. */
export async function loadConfigOrExit(file: string): Promise<LoadedConfig> {
  try {
    return await loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new CliExit(ExitCode.Invalid, `${file}:\n${err.problems.map(formatProblem).join("\n")}`, {
        cause: err,
      });
    }
    throw err;
  }
}
