import { createServer } from "node:net";
import { JunctionError } from "@junction/sdk";

/** The edge endpoint's port is taken: one sentence for the person running `junction up`. */
export class PortInUseError extends JunctionError {
  readonly port: number;
  constructor(what: string, port: number, options?: ErrorOptions) {
    super(
      "ERR_PORT_IN_USE",
      `${what} cannot listen on 127.0.0.1:${port}: the port is in use (choose another in local: or stop what holds it)`,
      options,
    );
    this.port = port;
  }
}

/** Fails with `PortInUseError` when 127.0.0.1:`port` is taken (0 is always free). */
export async function assertPortFree(what: string, port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new PortInUseError(what, port, { cause: err }) : err),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}
