import { ConnectOptionsError, redactServer, splitServerCredentials } from "@junction/sdk";
import type { ReportProblem } from "../path.ts";
import type { JunctionConfig } from "./schema.ts";

type NatsSection = JunctionConfig["nats"];

const CREDENTIALS = ["token", "user", "pass", "nkeySeed", "creds"] as const;

/**
 * Checks that the `nats:` section describes one way in: URLs that are URLs, at most one kind of
 * credentials, `user` with `pass`, a client certificate with its key, nothing for the embedded server.
 * Messages never quote a secret.
 */
export function checkNats(nats: NatsSection, report: ReportProblem): void {
  if (nats.servers === "local") {
    for (const field of [...CREDENTIALS, "tls"] as const) {
      if (nats[field] !== undefined) {
        report(
          ["nats", field],
          "the embedded server (servers: local) takes no credentials or TLS; list your servers' URLs to use them",
        );
      }
    }
    return;
  }
  const servers = [nats.servers].flat();
  const at = (i: number) => (Array.isArray(nats.servers) ? ["nats", "servers", i] : ["nats", "servers"]);
  servers.forEach((server, i) => {
    if (!isServerUrl(server)) {
      report(
        at(i),
        `"${redactServer(server)}" is not a server URL (use nats://host:4222 or tls://host:4222)`,
      );
    }
  });

  let inUrls = false;
  try {
    inUrls = splitServerCredentials(servers).credentials !== undefined;
  } catch (err) {
    if (!(err instanceof ConnectOptionsError)) throw err;
    report(["nats", "servers"], err.reason);
  }
  const given = [
    ...(nats.token === undefined ? [] : ["token"]),
    ...(nats.user === undefined && nats.pass === undefined ? [] : ["user/pass"]),
    ...(nats.nkeySeed === undefined ? [] : ["nkeySeed"]),
    ...(nats.creds === undefined ? [] : ["creds"]),
    ...(inUrls ? ["credentials in the server URLs"] : []),
  ];
  if (given.length > 1) {
    report(
      ["nats"],
      `use one of token, user/pass, nkeySeed, creds or credentials in the server URLs, not ${given.join(" and ")}`,
    );
  }
  if (nats.user !== undefined && nats.pass === undefined) report(["nats", "user"], "user needs pass");
  if (nats.pass !== undefined && nats.user === undefined) report(["nats", "pass"], "pass needs user");
  const tls = nats.tls;
  if (tls !== undefined && (tls.cert === undefined) !== (tls.key === undefined)) {
    report(["nats", "tls"], "a client certificate needs its key: give cert and key together");
  }
}

/** `nats://host:port`, `tls://host`, or a bare `host:port`, as nats.js takes them. */
function isServerUrl(server: string): boolean {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  try {
    const url = new URL(withScheme);
    return (
      ["nats:", "tls:"].includes(url.protocol) &&
      url.hostname !== "" &&
      (url.pathname === "" || url.pathname === "/") &&
      url.search === "" &&
      url.hash === ""
    );
  } catch {
    return false;
  }
}
