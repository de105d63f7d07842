import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { arn } from "../aws/index.ts";
import { LocalLambdaConfigError } from "./errors.ts";
import type { LocalFunction } from "./types.ts";

/** AWS's default function timeout, and its maximum (15 minutes). */
export const DEFAULT_TIMEOUT_MS = 3000;
const MAX_TIMEOUT_MS = 900_000;
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface ResolvedFunction {
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly moduleUrl: string;
  readonly exportPath: string;
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
}

/** Checks every function up front, so a bad config fails at startup rather than on first invoke. */
export function resolveFunctions(
  functions: Readonly<Record<string, LocalFunction>>,
  baseDir: string,
): Map<string, ResolvedFunction> {
  const resolved = new Map<string, ResolvedFunction>();
  for (const [name, fn] of Object.entries(functions)) {
    const where = `functions.${name}`;
    if (!NAME.test(name)) {
      throw new LocalLambdaConfigError(`${where}: a function name is 1-64 letters, digits, "-" or "_"`);
    }
    const hash = fn.handler.lastIndexOf("#");
    const modulePath = hash === -1 ? fn.handler : fn.handler.slice(0, hash);
    // Without "#", the export is `handler`, the name AWS's own templates use.
    const exportPath = hash === -1 ? "handler" : fn.handler.slice(hash + 1);
    if (modulePath.trim() === "" || exportPath === "" || exportPath.split(".").some((key) => key === "")) {
      throw new LocalLambdaConfigError(
        `${where}.handler: expected "./path/module.mjs#exportName", got ${JSON.stringify(fn.handler)}`,
      );
    }
    const timeoutMs = fn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new LocalLambdaConfigError(`${where}.timeoutMs: expected an integer from 1 to ${MAX_TIMEOUT_MS}`);
    }
    const file = isAbsolute(modulePath) ? modulePath : resolve(baseDir, modulePath);
    resolved.set(name, {
      name,
      arn: arn("lambda", `function:${name}`),
      handler: fn.handler,
      moduleUrl: pathToFileURL(file).href,
      exportPath,
      timeoutMs,
      env: { ...fn.env },
    });
  }
  return resolved;
}
