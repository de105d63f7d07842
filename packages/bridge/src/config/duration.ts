const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A config duration (`30s`, `7d`, or milliseconds) in milliseconds. The schema has checked the form. */
export function durationMs(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (match === null) throw new RangeError(`not a duration: ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
