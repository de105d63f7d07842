import { ARRAYS_PAGE, type MatchCase, NULLS_PAGE, PATTERNS_PAGE } from "./sources.ts";

// Cases from the AWS pages "Amazon EventBridge event patterns", "Matching null values and empty
// strings" and "Arrays in Amazon EventBridge event patterns".

const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};
const ec2Pattern = {
  source: ["aws.ec2"],
  "detail-type": ["EC2 Instance State-change Notification"],
  detail: { state: ["terminated"] },
};
const withDetail = (detail: object) => ({ ...ec2Event, detail });

const autoscalingEvent = {
  version: "0",
  id: "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  source: "aws.autoscaling",
  account: "123456789012",
  time: "2015-11-11T21:31:47Z",
  region: "us-east-1",
  resources: [],
  detail: { eventVersion: "", responseElements: null },
};

const macieEvent = {
  version: "0",
  id: "3e355723-fca9-4de3-9fd7-154c289d6b59",
  "detail-type": "Macie Alert",
  source: "aws.macie",
  account: "123456789012",
  time: "2017-04-24T22:28:49Z",
  region: "us-east-1",
  resources: [
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
  ],
  detail: {
    "notification-type": "ALERT_CREATED",
    name: "Scanning bucket policies",
    tags: ["Custom_Alert", "Insider"],
    "risk-score": 80,
    trigger: { "alert-type": "basic", risk: 8 },
  },
};
const maciePattern = {
  source: ["aws.macie"],
  "detail-type": ["Macie Alert"],
  detail: { "risk-score": [80], trigger: { risk: [8] } },
};

const arrayPattern = {
  resources: [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
  ],
};

const P = PATTERNS_PAGE;

export const awsCases: readonly MatchCase[] = [
  {
    name: "EC2 termination pattern",
    pattern: ec2Pattern,
    event: ec2Event,
    matches: true,
    source: `${P} intro example`,
  },
  {
    name: "EC2 termination pattern, other state",
    pattern: ec2Pattern,
    event: withDetail({ "instance-id": "i-1", state: "running" }),
    matches: false,
    source: `${P} intro example (state must be terminated)`,
  },
  {
    name: "all pattern fields must be present",
    pattern: ec2Pattern,
    event: withDetail({ "instance-id": "i-1" }),
    matches: false,
    source: `${P} Create event patterns: the event must contain all the field names listed in the pattern`,
  },
  {
    name: "same nesting structure required",
    pattern: { detail: { state: ["terminated"] } },
    event: { source: "aws.ec2", state: "terminated", detail: {} },
    matches: false,
    source: `${P} Create event patterns: field names must appear with the same nesting structure`,
  },
  {
    name: "fields not in the pattern are ignored",
    pattern: { source: ["aws.ec2"] },
    event: ec2Event,
    matches: true,
    source: `${P} Create event patterns: EventBridge ignores the fields not in the pattern`,
  },
  {
    name: "strings match without case folding",
    pattern: { detail: { state: ["Terminated"] } },
    event: ec2Event,
    matches: false,
    source: `${P} Create event patterns: exact character-by-character matching without case-folding`,
  },
  {
    name: "value list is OR (second value)",
    pattern: { source: ["aws.ec2", "aws.fargate"] },
    event: { ...ec2Event, source: "aws.fargate" },
    matches: true,
    source: `${P} Match Values`,
  },
  {
    name: "value list is OR (no value)",
    pattern: { source: ["aws.ec2", "aws.fargate"] },
    event: { ...ec2Event, source: "aws.lambda" },
    matches: false,
    source: `${P} Match Values`,
  },
  {
    name: "null field matching",
    pattern: {
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Successful"],
      detail: { responseElements: [null] },
    },
    event: autoscalingEvent,
    matches: true,
    source: `${P} Field matching`,
  },
  {
    name: "numeric values in nested objects",
    pattern: maciePattern,
    event: macieEvent,
    matches: true,
    source: `${P} Value matching`,
  },
  {
    name: "numeric value must equal",
    pattern: maciePattern,
    event: { ...macieEvent, detail: { ...macieEvent.detail, "risk-score": 79 } },
    matches: false,
    source: `${P} Value matching (risk score of 80)`,
  },
  {
    name: "a string never equals a number",
    pattern: { detail: { "risk-score": ["80"] } },
    event: macieEvent,
    matches: false,
    source: `${P} Create event patterns: values follow JSON rules (strings in quotes, numbers)`,
  },
  {
    name: "Or: PaymentType",
    pattern: { PaymentType: ["Credit", "Debit"] },
    event: { PaymentType: "Debit" },
    matches: true,
    source: `${P} operator table, Or`,
  },
  {
    name: "Not: anything but Raining",
    pattern: { Weather: [{ "anything-but": ["Raining"] }] },
    event: { Weather: "Sunny" },
    matches: true,
    source: `${P} operator table, Not`,
  },
  {
    name: "Not: Raining itself",
    pattern: { Weather: [{ "anything-but": ["Raining"] }] },
    event: { Weather: "Raining" },
    matches: false,
    source: `${P} operator table, Not`,
  },
  {
    name: "Numeric equals 100",
    pattern: { Price: [{ numeric: ["=", 100] }] },
    event: { Price: 100 },
    matches: true,
    source: `${P} operator table, Numeric (equals)`,
  },
  {
    name: "Numeric equals, other value",
    pattern: { Price: [{ numeric: ["=", 100] }] },
    event: { Price: 100.5 },
    matches: false,
    source: `${P} operator table, Numeric (equals)`,
  },
  {
    name: "Numeric range upper bound included",
    pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
    event: { Price: 20 },
    matches: true,
    source: `${P} operator table, Numeric (range)`,
  },
  {
    name: "Numeric range lower bound excluded",
    pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
    event: { Price: 10 },
    matches: false,
    source: `${P} operator table, Numeric (range)`,
  },
  {
    name: "Exists",
    pattern: { ProductName: [{ exists: true }] },
    event: { ProductName: "Widget" },
    matches: true,
    source: `${P} operator table, Exists`,
  },
  {
    name: "Does not exist",
    pattern: { ProductName: [{ exists: false }] },
    event: { Price: 1 },
    matches: true,
    source: `${P} operator table, Does not exist`,
  },
  {
    name: "Does not exist, but present",
    pattern: { ProductName: [{ exists: false }] },
    event: { ProductName: "Widget" },
    matches: false,
    source: `${P} operator table, Does not exist`,
  },
  {
    name: "Begins with us-",
    pattern: { Region: [{ prefix: "us-" }] },
    event: { Region: "us-east-1" },
    matches: true,
    source: `${P} operator table, Begins with`,
  },
  {
    name: "Begins with us-, EU region",
    pattern: { Region: [{ prefix: "us-" }] },
    event: { Region: "eu-west-1" },
    matches: false,
    source: `${P} operator table, Begins with`,
  },
  {
    name: "empty string",
    pattern: { detail: { eventVersion: [""] } },
    event: autoscalingEvent,
    matches: true,
    source: `${NULLS_PAGE} first pattern`,
  },
  {
    name: "null",
    pattern: { detail: { responseElements: [null] } },
    event: autoscalingEvent,
    matches: true,
    source: `${NULLS_PAGE} second pattern`,
  },
  {
    name: "empty string does not match null",
    pattern: { detail: { responseElements: [""] } },
    event: autoscalingEvent,
    matches: false,
    source: `${NULLS_PAGE} note: null values and empty strings are not interchangeable`,
  },
  {
    name: "null does not match empty string",
    pattern: { detail: { eventVersion: [null] } },
    event: autoscalingEvent,
    matches: false,
    source: `${NULLS_PAGE} note: null values and empty strings are not interchangeable`,
  },
  {
    name: "null does not match a missing field",
    pattern: { detail: { responseElements: [null] } },
    event: { ...autoscalingEvent, detail: { eventVersion: "" } },
    matches: false,
    source: `${P} Create event patterns: the event must contain all the field names listed in the pattern`,
  },
  {
    name: "arrays: non-empty intersection",
    pattern: arrayPattern,
    event: {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      ],
    },
    matches: true,
    source: `${ARRAYS_PAGE} example`,
  },
  {
    name: "arrays: empty intersection",
    pattern: arrayPattern,
    event: { resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] },
    matches: false,
    source: `${ARRAYS_PAGE} (matches if the intersection is non-empty)`,
  },
];
