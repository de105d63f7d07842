/**
 * The `error.type` of an error, also its metrics label: a Junction (or Node) error's stable `code`, else
 * the error's class name. Both come from a fixed set, so labels stay bounded.
 */
export function errorType(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return err instanceof Error ? err.name : "unknown";
}
