import { JunctionError } from "@junction/sdk";

/** The `functions` configuration cannot be served (bad name, handler or timeout). */
export class LocalLambdaConfigError extends JunctionError {
  constructor(message: string) {
    super("ERR_LOCAL_LAMBDA_CONFIG", message);
  }
}

/**
 * A request the Lambda API itself refuses (unknown function, bad payload, too large, …), carrying the
 * HTTP status and AWS error type that Invoke answers with. Function errors are not this: they are
 * results with `functionError: "Unhandled"`.
 */
export class LambdaServiceError extends JunctionError {
  readonly status: number;
  readonly awsType: string;
  /** Members AWS adds to this error's body (`Reason` and `Type` of a throttle). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(
    status: number,
    awsType: string,
    message: string,
    fields: Readonly<Record<string, string>> = {},
  ) {
    super("ERR_LOCAL_LAMBDA_REQUEST", message);
    this.status = status;
    this.awsType = awsType;
    this.fields = fields;
  }
}
