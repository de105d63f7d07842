export { compileEventPattern } from "./compile.ts";
export { InvalidEventPatternError } from "./errors.ts";
export type { CompiledEventPattern } from "./types.ts";
