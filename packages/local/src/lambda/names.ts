import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../aws/index.ts";
import { LambdaServiceError } from "./errors.ts";

/**
 * The FunctionName forms Invoke accepts (AWS API reference, "Name formats"): `my-function`,
 * `my-function:v1`, `123456789012:function:my-function`, and the full
 * `arn:aws:lambda:us-west-2:123456789012:function:my-function[:qualifier]`.
 */
const FUNCTION_NAME =
  /^(?:arn:aws[a-zA-Z-]*:lambda:)?(?:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  readonly name: string;
  /** `$LATEST` or undefined: any other qualifier has already been refused. */
  readonly qualifier: string | undefined;
  /** The ARN the caller named, for `context.invokedFunctionArn` (qualified when they qualified it). */
  readonly invokedArn: string;
}

/**
 * Parses a FunctionName (and an optional `Qualifier`) against the functions served here. Unknown
 * functions, other accounts or regions, and qualifiers other than `$LATEST` (local functions have no
 * versions or aliases) are `ResourceNotFoundException`, as AWS answers them.
 */
export function resolveFunctionRef(
  functionName: string,
  qualifier: string | undefined,
  known: (name: string) => boolean,
): FunctionRef {
  const match = FUNCTION_NAME.exec(functionName);
  if (match === null || functionName.length > 256) {
    throw new LambdaServiceError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: ` +
        "Member must satisfy regular expression pattern: " +
        "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
    );
  }
  const [, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID, name = "", nameQualifier] = match;
  if (nameQualifier !== undefined && qualifier !== undefined && nameQualifier !== qualifier) {
    throw new LambdaServiceError(
      400,
      "InvalidParameterValueException",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  }
  const effective = nameQualifier ?? qualifier;
  const unqualified = `arn:aws:lambda:${region}:${account}:function:${name}`;
  const invokedArn = effective === undefined ? unqualified : `${unqualified}:${effective}`;
  const local = region === LOCAL_REGION && account === LOCAL_ACCOUNT_ID && known(name);
  if (!local || (effective !== undefined && effective !== "$LATEST")) {
    throw new LambdaServiceError(404, "ResourceNotFoundException", `Function not found: ${invokedArn}`);
  }
  return { name, qualifier: effective, invokedArn };
}
