import { CliExit, ExitCode } from "../exit-codes.ts";

/** Collects a repeatable `--header K=V`. */
export const collectHeader = (value: string, all: string[]): string[] => [...all, value];

export function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliExit(ExitCode.Invalid, `--header ${JSON.stringify(pair)}: use NAME=VALUE`);
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return headers;
}

export function parsePositive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliExit(ExitCode.Invalid, `${flag} ${text}: use a positive integer`);
  return n;
}
