import { ConfigError, formatProblem } from "../../errors.ts";
import { loadConfig } from "../load.ts";

/** Every `path: message (line N)` a config produces, or [] when it loads. */
export function problems(yaml: string): string[] {
  try {
    loadConfig(yaml, { env: {} });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map(formatProblem);
  }
}
