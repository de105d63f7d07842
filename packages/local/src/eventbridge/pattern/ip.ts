// IP literals and CIDR blocks for `cidr` and for exact values that are IP addresses. Like AWS's
// matcher (aws/event-ruler CIDR.java), only plain literals count: dotted-quad IPv4, or IPv6 made of
// hex groups and colons (no zone id, no embedded IPv4), so host names are never looked up.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export interface IpRange {
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

/** The address's bytes (4 or 16), or undefined when `text` is not an IP literal. */
export function parseIp(text: string): Uint8Array | undefined {
  const v4 = IPV4.exec(text);
  if (v4) {
    const bytes = v4.slice(1).map(Number);
    return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
  }
  return IPV6.test(text) ? parseIpv6(text) : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  const out = new Uint8Array(16);
  for (const [i, group] of all.entries()) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  }
  return out;
}

/** Parses `addr/bits`; returns the covered range, or the reason it is invalid (event-ruler's words). */
export function parseCidr(text: string): IpRange | string {
  const parts = text.split("/");
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [addr = "", bitsText = ""] = parts;
  if (!/^[+-]?\d+$/.test(bitsText)) return "Malformed CIDR, mask bits must be an integer";
  const bits = Number(bitsText);
  if (bits < 0) return "Malformed CIDR, mask bits must not be negative";
  const ip = parseIp(addr);
  if (!ip) return `Invalid IP address: ${addr}`;
  // AWS rejects host-sized masks (/32, /128): an exact IP value in the pattern does that job.
  if (ip.length === 4 && bits > 31) return "IPv4 mask bits must be < 32";
  if (ip.length === 16 && bits > 127) return "IPv6 mask bits must be < 128";
  const low = new Uint8Array(ip.length);
  const high = new Uint8Array(ip.length);
  for (let i = 0; i < ip.length; i++) {
    const fixed = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff << (8 - fixed)) & 0xff;
    low[i] = (ip[i] ?? 0) & mask;
    high[i] = (ip[i] ?? 0) | (~mask & 0xff);
  }
  return { low, high };
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function inRange(ip: Uint8Array, range: IpRange): boolean {
  return ip.length === range.low.length && compare(ip, range.low) >= 0 && compare(ip, range.high) <= 0;
}

export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compare(a, b) === 0;
}
