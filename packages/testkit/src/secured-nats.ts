import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConnectOptions } from "@junction/sdk";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createOperator, createUser } from "@nats-io/nkeys";
import { startTestNats, type TestNats } from "./nats.ts";
import { makeTempDir, removeDir } from "./temp-dir.ts";

/** How a secured test server authenticates its clients. */
export type NatsAuthMode = "token" | "user" | "nkey" | "creds" | "tls" | "mtls";

export const NATS_AUTH_MODES: readonly NatsAuthMode[] = ["token", "user", "nkey", "creds", "tls", "mtls"];

/** The `nats:` section of a junction.yaml, as the config spells it. */
export interface NatsSection {
  readonly servers: string;
  readonly token?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly nkeySeed?: string;
  readonly creds?: string;
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

export interface SecuredNats extends AsyncDisposable {
  readonly mode: NatsAuthMode;
  readonly nats: TestNats;
  /** Credentials the server accepts. */
  readonly config: NatsSection;
  /** Credentials it refuses: a wrong secret, an unknown key, a client certificate missing. */
  readonly wrongConfig: NatsSection;
  /** The SDK's options for `config` and `wrongConfig`: one quick attempt, no reconnecting. */
  readonly clientOptions: ConnectOptions;
  readonly wrongClientOptions: ConnectOptions;
  /** Every secret value in play (tokens, passwords, seeds, JWTs, private keys), to search output for. */
  readonly secrets: readonly string[];
  /** Stops the server and deletes its files and the credential files. */
  dispose(): Promise<void>;
}

/**
 * A real nats-server (JetStream on) that takes only the credentials of `mode`, with every key,
 * JWT and certificate made here in a temp dir: nothing is checked in.
 */
export async function startSecuredNats(mode: NatsAuthMode): Promise<SecuredNats> {
  const dir = await makeTempDir(`nats-${mode}`);
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  try {
    const setup = await setUp(mode, dir, file);
    const nats = await startTestNats({ extraConfig: setup.serverConfig });
    const scheme = mode === "tls" || mode === "mtls" ? "tls" : "nats";
    const servers = nats.url.replace(/^nats:/, `${scheme}:`);
    const dispose = async () => {
      await nats.dispose();
      await removeDir(dir);
    };
    return {
      mode,
      nats,
      config: { servers, ...setup.right },
      wrongConfig: { servers, ...setup.wrong },
      clientOptions: clientOptionsOf({ servers, ...setup.right }),
      wrongClientOptions: clientOptionsOf({ servers, ...setup.wrong }),
      secrets: setup.secrets,
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

/** The config's field names in the SDK's spelling (a test's own mapping, so the CLI's is tested against it). */
function clientOptionsOf(section: NatsSection): ConnectOptions {
  const { servers, token, user, pass, nkeySeed, creds, tls } = section;
  const tlsFiles = {
    ...(tls?.ca === undefined ? {} : { caFile: tls.ca }),
    ...(tls?.cert === undefined ? {} : { certFile: tls.cert }),
    ...(tls?.key === undefined ? {} : { keyFile: tls.key }),
  };
  return {
    servers,
    ...(token === undefined ? {} : { token }),
    ...(user === undefined ? {} : { user }),
    ...(pass === undefined ? {} : { pass }),
    ...(nkeySeed === undefined ? {} : { nkeySeedFile: nkeySeed }),
    ...(creds === undefined ? {} : { credsFile: creds }),
    ...(tls === undefined ? {} : { tls: tlsFiles }),
    timeoutMs: 5000,
    reconnect: { maxAttempts: 0 },
  };
}

interface Setup {
  serverConfig: string;
  right: Omit<NatsSection, "servers">;
  wrong: Omit<NatsSection, "servers">;
  secrets: string[];
}

type WriteFile = (name: string, content: string | Uint8Array) => string;

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function setUp(mode: NatsAuthMode, dir: string, file: WriteFile): Promise<Setup> {
  switch (mode) {
    case "token":
      return {
        serverConfig: 'authorization { token: "t0ken-right-5ecret" }',
        right: { token: "t0ken-right-5ecret" },
        wrong: { token: "t0ken-wrong-5ecret" },
        secrets: ["t0ken-right-5ecret", "t0ken-wrong-5ecret"],
      };
    case "user":
      return {
        serverConfig: 'authorization { users: [ { user: "svc", password: "pa55-right-5ecret" } ] }',
        right: { user: "svc", pass: "pa55-right-5ecret" },
        wrong: { user: "svc", pass: "pa55-wrong-5ecret" },
        secrets: ["pa55-right-5ecret", "pa55-wrong-5ecret"],
      };
    case "nkey": {
      const [user, stranger] = [createUser(), createUser()];
      return {
        serverConfig: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
        right: { nkeySeed: file("user.nk", `${decode(user.getSeed())}\n`) },
        wrong: { nkeySeed: file("stranger.nk", `${decode(stranger.getSeed())}\n`) },
        secrets: [decode(user.getSeed()), decode(stranger.getSeed())],
      };
    }
    case "creds": {
      const operator = createOperator();
      const account = createAccount();
      // JetStream needs a system account in operator mode.
      const system = createAccount();
      const systemJwt = await encodeAccount("SYS", system, {}, { signer: operator });
      const [user, stranger] = [createUser(), createUser()];
      const accountJwt = await encodeAccount(
        "JUNCTION",
        account,
        // Every limit spelled out: one left out is 0 (no connections, no subscriptions).
        {
          limits: {
            conn: -1,
            subs: -1,
            data: -1,
            payload: -1,
            imports: -1,
            exports: -1,
            leaf: -1,
            wildcards: true,
            mem_storage: -1,
            disk_storage: -1,
            streams: -1,
            consumer: -1,
          },
        },
        { signer: operator },
      );
      const credsOf = async (kp: typeof user, issuer: typeof account) =>
        decode(fmtCreds(await encodeUser("junction", kp, issuer), kp));
      // The stranger's JWT is signed by an account the server does not know.
      const rightCreds = await credsOf(user, account);
      const wrongCreds = await credsOf(stranger, createAccount());
      return {
        serverConfig: [
          `operator: ${await encodeOperator("TEST", operator)}`,
          `system_account: ${system.getPublicKey()}`,
          "resolver: MEMORY",
          `resolver_preload: { ${account.getPublicKey()}: ${accountJwt}, ${system.getPublicKey()}: ${systemJwt} }`,
        ].join("\n"),
        right: { creds: file("user.creds", rightCreds) },
        wrong: { creds: file("stranger.creds", wrongCreds) },
        secrets: [decode(user.getSeed()), decode(stranger.getSeed())],
      };
    }
    case "tls":
    case "mtls": {
      const certs = makeCertificates(dir);
      const verify = mode === "mtls" ? `, ca_file: "${certs.ca}", verify: true` : "";
      return {
        serverConfig: `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}"${verify} }`,
        right:
          mode === "mtls"
            ? { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } }
            : { tls: { ca: certs.ca } },
        // tls: a CA that did not sign the server's certificate; mtls: no client certificate.
        wrong: mode === "mtls" ? { tls: { ca: certs.ca } } : { tls: { ca: certs.otherCa } },
        secrets: [certs.privateKeyText],
      };
    }
  }
}

/** A CA, a server certificate for 127.0.0.1 / localhost and a client certificate, by Debian's openssl. */
function makeCertificates(dir: string) {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  // EC keys: much cheaper to make than RSA on a busy machine.
  const newCa = (name: string) =>
    openssl(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      at(`${name}.key`),
      "-out",
      at(`${name}.pem`),
    );
  const issue = (name: string, extensions: string) => {
    openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      at(`${name}.key`),
      "-out",
      at(`${name}.csr`),
    );
    writeFileSync(at(`${name}.ext`), `${extensions}\n`);
    openssl(
      "x509",
      "-req",
      "-in",
      at(`${name}.csr`),
      "-CA",
      at("ca.pem"),
      "-CAkey",
      at("ca.key"),
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      at(`${name}.ext`),
      "-out",
      at(`${name}.pem`),
    );
  };
  newCa("ca");
  newCa("other-ca");
  // nats.js over Node TLS checks the name "localhost" when the URL is an IP, so the cert carries both.
  issue("server", "subjectAltName=IP:127.0.0.1,DNS:localhost");
  issue("client", "extendedKeyUsage=clientAuth");
  const clientKey = at("client.key");
  return {
    ca: at("ca.pem"),
    otherCa: at("other-ca.pem"),
    serverCert: at("server.pem"),
    serverKey: at("server.key"),
    clientCert: at("client.pem"),
    clientKey,
    // A line of the PEM body: what a leaked key file would show.
    privateKeyText: readFileSync(clientKey, "utf8").split("\n")[1] ?? "",
  };
}
