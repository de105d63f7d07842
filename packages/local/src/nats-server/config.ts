import type { NatsServerOptions } from "./types.ts";

/** Host every listener binds to: the embedded server is for this machine only. */
export const LOOPBACK = "127.0.0.1";

// nats-server reads -1 as "pick a random port"; 0 would mean "use the default port".
const portOrRandom = (port: number | undefined): number => (port === undefined || port === 0 ? -1 : port);

// Quoted strings keep paths with spaces or `#` intact; JSON escaping is what the conf parser accepts.
const str = (value: string): string => JSON.stringify(value);

/** Renders a nats-server config file for `options`, writing its ports file into `portsFileDir`. */
export function renderNatsConfig(options: NatsServerOptions, portsFileDir: string): string {
  const lines: string[] = [];
  if (options.serverName !== undefined) lines.push(`server_name: ${str(options.serverName)}`);
  lines.push(`listen: ${LOOPBACK}:${portOrRandom(options.port)}`);
  lines.push(`http: ${LOOPBACK}:${portOrRandom(options.httpPort)}`);
  lines.push(`ports_file_dir: ${str(portsFileDir)}`);
  if (options.logFile !== undefined) lines.push(`log_file: ${str(options.logFile)}`);
  if (options.jetstream !== false && options.storeDir !== undefined) {
    lines.push(`jetstream {`, `  store_dir: ${str(options.storeDir)}`, `}`);
  }
  if (options.cluster !== undefined) {
    const { name, port, routes } = options.cluster;
    lines.push(
      `cluster {`,
      `  name: ${str(name)}`,
      `  listen: ${LOOPBACK}:${portOrRandom(port)}`,
      `  routes: [${routes.map(str).join(", ")}]`,
      `}`,
    );
  }
  if (options.extraConfig !== undefined) lines.push(options.extraConfig);
  return `${lines.join("\n")}\n`;
}
