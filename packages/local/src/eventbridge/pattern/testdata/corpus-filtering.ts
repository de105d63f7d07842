import { FILTERING_PAGE, type MatchCase, WILDCARD_BLOG } from "./sources.ts";

// Cases from the AWS page "Content filtering in Amazon EventBridge event patterns" (full text read
// from its archived markdown) and the AWS Compute Blog post on wildcard filters.

const existsEvent = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-abcd1111", state: "pending" },
};

const F = FILTERING_PAGE;

export const filteringCases: readonly MatchCase[] = [
  {
    name: "prefix on time",
    pattern: { time: [{ prefix: "2017-10-02" }] },
    event: { time: "2017-10-02T18:43:48Z" },
    matches: true,
    source: `${F} Prefix matching`,
  },
  {
    name: "exists true",
    pattern: { detail: { state: [{ exists: true }] } },
    event: existsEvent,
    matches: true,
    source: `${F} Exists matching (matching event)`,
  },
  {
    name: "exists true, field missing",
    pattern: { detail: { state: [{ exists: true }] } },
    event: { "detail-type": ["EC2 Instance State-change Notification"], detail: { "c-count": { c1: 100 } } },
    matches: false,
    source: `${F} Exists matching (does NOT match: no detail.state field)`,
  },
  {
    name: "exists false, field missing",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: {
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["initializing", "running"] },
    },
    matches: true,
    source: `${F} Exists matching (archived revision 4ddcc77, first matching event)`,
  },
  {
    name: "exists false, field is not a leaf",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: { detail: { state: ["initializing", "running"], "c-count": { c1: 100 } } },
    matches: true,
    source: `${F} Exists matching (archived revision 4ddcc77: c-count isn't a leaf node)`,
  },
  {
    name: "cidr /24, last address",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    event: { detail: { sourceIPAddress: "10.0.0.255" } },
    matches: true,
    source: `${F} IP address matching`,
  },
  {
    name: "cidr /24, other subnet",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    event: { detail: { sourceIPAddress: "10.0.1.1" } },
    matches: false,
    source: `${F} IP address matching (start with 10.0.0)`,
  },
  {
    name: "duplicate key: last one wins (allowed value)",
    pattern: '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
    event: { detail: { location: "eu-west" } },
    matches: true,
    source: `${F} note after the complex example (only the last "location" is used)`,
  },
  {
    name: "duplicate key: last one wins (excluded value)",
    pattern: '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
    event: { detail: { location: "us-east" } },
    matches: false,
    source: `${F} note after the complex example (only the last "location" is used)`,
  },
  {
    name: "wildcard *.png",
    pattern: { key: [{ wildcard: "*.png" }] },
    event: { key: "photos/cat.png" },
    matches: true,
    source: `${WILDCARD_BLOG} ("*.png" matches strings that end with ".png")`,
  },
  {
    name: "wildcard *.png, other extension",
    pattern: { key: [{ wildcard: "*.png" }] },
    event: { key: "photos/cat.jpg" },
    matches: false,
    source: `${WILDCARD_BLOG} ("*.png" matches strings that end with ".png")`,
  },
  {
    name: "wildcard *Title*",
    pattern: { name: [{ wildcard: "*Title*" }] },
    event: { name: "The Title Page" },
    matches: true,
    source: `${WILDCARD_BLOG} ("*Title*" matches values that include "Title")`,
  },
  {
    name: "wildcard * matches zero characters",
    pattern: { name: [{ wildcard: "*Title*" }] },
    event: { name: "Title" },
    matches: true,
    source: `${WILDCARD_BLOG} (* matches zero, single, or multiple characters)`,
  },
];
