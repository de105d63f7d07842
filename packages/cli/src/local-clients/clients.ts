import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import * as dynamodbstreams from "@aws-sdk/client-dynamodb-streams";
import * as events from "@aws-sdk/client-eventbridge";
import * as lambda from "@aws-sdk/client-lambda";
import * as sqs from "@aws-sdk/client-sqs";

/** The service names the AWS CLI and boto3 use. */
export type Service = "sqs" | "dynamodb" | "dynamodbstreams" | "events" | "lambda";
// biome-ignore lint/suspicious/noExplicitAny: outputs are whatever the service answered, checked by the scenarios
export type Output = Record<string, any>;
export type Outcome = { readonly ok: Output } | { readonly error: string; readonly message: string };

/** One real AWS client program, calling operations by their API names with API-shaped input. */
export interface AwsClient {
  readonly name: string;
  call(service: Service, operation: string, input: Output): Promise<Outcome>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";

/** The AWS SDK for JavaScript v3 (JSON protocol for SQS). Lambda payloads go in and out as text. */
export function sdkV3Client(endpoint: string): AwsClient {
  const modules = { sqs, dynamodb, dynamodbstreams, events, lambda } as const;
  const config = { endpoint, region, credentials, maxAttempts: 1 };
  const clients = {
    sqs: new sqs.SQSClient(config),
    dynamodb: new dynamodb.DynamoDBClient(config),
    dynamodbstreams: new dynamodbstreams.DynamoDBStreamsClient(config),
    events: new events.EventBridgeClient(config),
    lambda: new lambda.LambdaClient(config),
  };
  return {
    name: "AWS SDK for JavaScript v3",
    async call(service, operation, input) {
      const Command = (modules[service] as unknown as Record<string, new (input: Output) => unknown>)[
        `${operation}Command`
      ];
      if (Command === undefined) throw new Error(`the SDK has no ${service} ${operation}`);
      const sendInput =
        typeof input.Payload === "string"
          ? { ...input, Payload: new TextEncoder().encode(input.Payload) }
          : input;
      try {
        // biome-ignore lint/suspicious/noExplicitAny: one send for five clients
        const { $metadata: _, ...out } = await (clients[service] as any).send(new Command(sendInput));
        return { ok: plain(out) as Output };
      } catch (err) {
        const { name, message } = err as Error;
        if ((err as { $metadata?: unknown }).$metadata === undefined) throw err;
        return { error: name, message };
      }
    },
    async close() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** What a test needs from the machine: a clear failure naming the Debian package, never a skip. */
export function requireProgram(path: string, debianPackage: string): string {
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage})`,
    );
  return path;
}

/** A Python script of testdata/ run once, answering one JSON line for each JSON line it is sent. */
async function pythonDriver(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  missing: string,
) {
  const python = requireProgram("/usr/bin/python3", "python3");
  const child: ChildProcess = spawn(
    python,
    [fileURLToPath(new URL(`testdata/${script}`, import.meta.url)), ...args],
    {
      stdio: ["pipe", "pipe", "pipe"],
      env,
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const read = async (): Promise<unknown> => {
    const line = await lines.next();
    if (line.done)
      throw new Error(/No module named/.test(stderr) ? missing : `the ${script} driver stopped: ${stderr}`);
    return JSON.parse(line.value);
  };
  return {
    read,
    async send(request: unknown): Promise<unknown> {
      child.stdin?.write(`${JSON.stringify(request)}\n`);
      return read();
    },
    async close() {
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** Debian's AWS CLI (`awscli`, 2.9: SQS over the query protocol), its own code parsing each command. */
export async function awsCliClient(endpoint: string): Promise<AwsClient> {
  requireProgram("/usr/bin/aws", "awscli");
  const dir = mkdtempSync(join(tmpdir(), "junction-aws-cli-"));
  const driver = await pythonDriver(
    "aws_cli_driver.py",
    [],
    {
      ...process.env,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_PAGER: "",
      AWS_MAX_ATTEMPTS: "1",
    },
    "the AWS CLI is missing: install the Debian package awscli (apt-get install -y awscli)",
  );
  return {
    name: "AWS CLI",
    async call(service, operation, input) {
      const command = operation.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
      const outfile = join(dir, "payload");
      // `lambda invoke` takes its payload as an argument and writes the answer's to a file.
      const parameters =
        operation === "Invoke"
          ? [
              "--function-name",
              input.FunctionName,
              "--payload",
              input.Payload,
              "--cli-binary-format",
              "raw-in-base64-out",
              outfile,
            ]
          : ["--cli-input-json", JSON.stringify(input)];
      const args = [service, command, "--endpoint-url", endpoint, "--output", "json", ...parameters];
      const { code, stdout, stderr } = (await driver.send(args)) as {
        code: number;
        stdout: string;
        stderr: string;
      };
      if (code === 0) {
        const out = (stdout.trim() === "" ? {} : JSON.parse(stdout)) as Output;
        if (operation === "Invoke") out.Payload = readFileSync(outfile, "utf8");
        return { ok: out };
      }
      const found = /An error occurred \(([^)]+)\)[^:]*: (.*)/.exec(stderr);
      if (found === null) throw new Error(`aws ${service} ${command} failed (${code}): ${stderr}`);
      return { error: found[1] as string, message: (found[2] as string).trim() };
    },
    async close() {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Boto3Client extends AwsClient {
  /** boto3's and botocore's versions and the protocol its SQS client speaks. */
  readonly versions: { boto3: string; botocore: string; sqsProtocol: string };
}

/** Debian's boto3 (`python3-boto3`, 1.26: SQS over the query protocol), one Python process. */
export async function boto3Client(endpoint: string): Promise<Boto3Client> {
  const driver = await pythonDriver(
    "boto3_driver.py",
    [endpoint],
    process.env,
    "boto3 is missing: install the Debian package python3-boto3 (apt-get install -y python3-boto3)",
  );
  const versions = (await driver.read()) as Boto3Client["versions"];
  return {
    name: "boto3",
    versions,
    call: async (service, operation, input) => (await driver.send({ service, operation, input })) as Outcome,
    close: () => driver.close(),
  };
}
