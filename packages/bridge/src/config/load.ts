import { readFile, stat } from "node:fs/promises";
import { isNode, LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "../errors.ts";
import { formatPath, type PathSegment } from "../path.ts";
import { type CompiledRoutes, compileRoutes } from "../routes/compile.ts";
import { checkConfig } from "./check.ts";
import { substituteEnv } from "./env.ts";
import { deepFreeze } from "./freeze.ts";
import { describeIssue } from "./issues.ts";
import { checkValidRoutes } from "./salvage.ts";
import { ConfigSchema, type JunctionConfig } from "./schema.ts";
import { CONFIG_LIMITS, checkDocument, sizeProblem } from "./yaml-limits.ts";

export interface LoadedConfig {
  /** Deep-frozen: what was loaded is what every part of the process reads. */
  readonly config: JunctionConfig;
  readonly routes: CompiledRoutes;
  /** The file it came from, for resolving relative paths (function handlers). */
  readonly file?: string;
}

export interface LoadOptions {
  /** Variables for `${NAME}` substitution; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly file?: string;
}

const TOO_DEEP = `nested too deeply to parse (the limit is ${CONFIG_LIMITS.depth} levels)`;

/**
 * YAML text → `${ENV}` substitution → schema → meaning (routes, templates, streams …). Every problem
 * of a phase is collected, with its YAML line, and thrown together as one `ConfigError`.
 */
export function loadConfig(text: string, options: LoadOptions = {}): LoadedConfig {
  const tooLarge = sizeProblem(Buffer.byteLength(text));
  if (tooLarge !== undefined) throw new ConfigError([{ path: "", message: tooLarge }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  const lineOf = (path: readonly PathSegment[]): number | undefined => {
    // The deepest node that exists: a missing key is reported on its parent's line.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const report = (path: readonly PathSegment[], message: string) => {
    const line = lineOf(path);
    problems.push({ path: formatPath(path), message, ...(line === undefined ? {} : { line }) });
  };
  // Listed in file order, so the output reads top to bottom like the YAML.
  const fail = () =>
    new ConfigError(
      problems
        .map((p, i) => ({ p, i }))
        .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i)
        .map(({ p }) => p),
    );

  for (const error of doc.errors) {
    // The parser's message for this one is a RangeError's ("Maximum call stack size exceeded"), often
    // several times over; one line says it.
    const exhausted = error.code === "RESOURCE_EXHAUSTION";
    if (exhausted && problems.some((p) => p.message === TOO_DEEP)) continue;
    problems.push({
      path: "",
      message: exhausted ? TOO_DEEP : (error.message.split("\n")[0] ?? error.message),
      line: lines.linePos(error.pos[0]).line,
    });
  }
  if (problems.length > 0) throw fail();
  const documentOk = checkDocument(doc, (path, message, node) => {
    const line = node.range ? lines.linePos(node.range[0]).line : undefined;
    problems.push({ path: formatPath(path), message, ...(line === undefined ? {} : { line }) });
  });
  if (!documentOk) throw fail();

  // Aliases were checked above (resolved, acyclic, bounded), so yaml's own alias count limit, which
  // also refuses harmless configs, is off.
  const raw = substituteEnv(doc.toJS({ maxAliasCount: -1 }) ?? {}, options.env ?? process.env, report);
  if (problems.length > 0) throw fail();
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, message } = describeIssue(issue);
      report(path, message);
    }
    checkValidRoutes(raw, report);
  }
  if (problems.length > 0 || !parsed.success) throw fail();

  const config = deepFreeze(parsed.data);
  checkConfig(config, report);
  const routes = compileRoutes(config, report);
  if (problems.length > 0) throw fail();
  return { config, routes, ...(options.file === undefined ? {} : { file: options.file }) };
}

export async function loadConfigFile(
  file: string,
  options: Omit<LoadOptions, "file"> = {},
): Promise<LoadedConfig> {
  const cannotRead = (err: unknown) =>
    new ConfigError(
      [{ path: "", message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}` }],
      { cause: err },
    );
  // Refused before it is read: a huge file would otherwise be read whole first.
  const size = await stat(file).then(
    (s) => s.size,
    (err: unknown) => Promise.reject(cannotRead(err)),
  );
  const tooLarge = sizeProblem(size);
  if (tooLarge !== undefined) throw new ConfigError([{ path: "", message: tooLarge }]);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw cannotRead(err);
  }
  return loadConfig(text, { ...options, file });
}
