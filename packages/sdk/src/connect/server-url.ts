import { ConnectOptionsError } from "./errors.ts";

/** Credentials written into a server URL: `nats://token@host` or `nats://user:pass@host`. */
export type UrlCredentials = { readonly token: string } | { readonly user: string; readonly pass: string };

// nats.js ignores credentials in URLs; the Go client and the `nats` CLI read them, so we do too.
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)?(?:([^@/]*)@)?(.*)$/i;

/** Server URLs without their credentials, and those credentials (one set, shared by every URL). */
export function splitServerCredentials(servers: readonly string[]): {
  servers: string[];
  credentials: UrlCredentials | undefined;
} {
  let credentials: UrlCredentials | undefined;
  let userinfo: string | undefined;
  const clean = servers.map((server) => {
    const [, scheme = "", info, rest = ""] = URL_PARTS.exec(server.trim()) ?? [];
    if (info === undefined) return server.trim();
    if (userinfo !== undefined && userinfo !== info) {
      throw new ConnectOptionsError("servers", "the server URLs carry different credentials");
    }
    userinfo = info;
    credentials = parseUserinfo(info);
    return `${scheme}${rest}`;
  });
  return { servers: clean, credentials };
}

function parseUserinfo(info: string): UrlCredentials {
  const colon = info.indexOf(":");
  try {
    if (colon < 0) return { token: decodeURIComponent(info) };
    return {
      user: decodeURIComponent(info.slice(0, colon)),
      pass: decodeURIComponent(info.slice(colon + 1)),
    };
  } catch (err) {
    throw new ConnectOptionsError("servers", "the credentials in a server URL are not valid URL encoding", {
      cause: err,
    });
  }
}

/** A server URL fit to print: a password or token in it becomes `***`. */
export function redactServer(server: string): string {
  const [, scheme = "", info, rest = ""] = URL_PARTS.exec(server) ?? [];
  if (info === undefined) return server;
  const colon = info.indexOf(":");
  return `${scheme}${colon < 0 ? "***" : `${info.slice(0, colon)}:***`}@${rest}`;
}
