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
