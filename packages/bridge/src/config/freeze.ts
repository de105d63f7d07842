/**
 * Freezes a parsed config and everything inside it, so no part of the process can change what another
 * part read. Written here: it is a few lines, and the config holds only plain objects and arrays.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
