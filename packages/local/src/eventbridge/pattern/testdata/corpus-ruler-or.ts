import { type MatchCase, RULER } from "./sources.ts";

// Cases from the aws/event-ruler README: "And and Or Relationship among fields with Ruler", "JSON
// Array Matching" and "JSON text matching".

const normalOr = {
  source: ["aws.cloudwatch"],
  $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
};
const parallelOr = {
  $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
  detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }] },
};
const andInsideOr = {
  source: ["aws.cloudwatch"],
  $or: [
    { metricName: ["CPUUtilization", "ReadLatency"] },
    { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
    { scope: ["Service"] },
  ],
};
const nestedOr = {
  source: ["aws.cloudwatch"],
  $or: [
    { metricName: ["CPUUtilization", "ReadLatency"] },
    {
      metricType: ["MetricType"],
      namespace: ["AWS/EC2", "AWS/ES"],
      $or: [{ metricId: [1234] }, { spaceId: [1000] }],
    },
    { scope: ["Service"] },
  ],
};
const employees = {
  employees: [
    { firstName: "John", lastName: "Doe" },
    { firstName: "Anna", lastName: "Smith" },
    { firstName: "Peter", lastName: "Jones" },
  ],
};

const R = RULER;
const cw = (fields: object) => ({ source: "aws.cloudwatch", ...fields });

export const rulerOrCases: readonly MatchCase[] = [
  {
    name: "normal $or, first branch",
    pattern: normalOr,
    event: cw({ metricName: "CPUUtilization" }),
    matches: true,
    source: `${R} "Or" examples: Normal "Or"`,
  },
  {
    name: "normal $or, second branch",
    pattern: normalOr,
    event: cw({ namespace: "AWS/EC2" }),
    matches: true,
    source: `${R} "Or" examples: Normal "Or"`,
  },
  {
    name: "normal $or, no branch",
    pattern: normalOr,
    event: cw({ metricName: "Other" }),
    matches: false,
    source: `${R} "Or" examples: Normal "Or"`,
  },
  {
    name: "normal $or, AND with source",
    pattern: normalOr,
    event: { source: "aws.ec2", metricName: "CPUUtilization" },
    matches: false,
    source: `${R} "Or" examples: Normal "Or"`,
  },
  {
    name: "parallel $or",
    pattern: parallelOr,
    event: { namespace: "AWS/ES", detail: { "detail-type": "CloudWatch Alarm State Change" } },
    matches: true,
    source: `${R} "Or" examples: Parallel "Or"`,
  },
  {
    name: "parallel $or, second OR fails",
    pattern: parallelOr,
    event: { metricName: "CPUUtilization", detail: { source: "aws.ec2" } },
    matches: false,
    source: `${R} "Or" examples: Parallel "Or"`,
  },
  {
    name: "$or with AND inside",
    pattern: andInsideOr,
    event: cw({ metricType: "MetricType", namespace: "AWS/EC2" }),
    matches: true,
    source: `${R} "Or" has an "And" inside`,
  },
  {
    name: "$or with AND inside, half of the AND",
    pattern: andInsideOr,
    event: cw({ metricType: "MetricType" }),
    matches: false,
    source: `${R} "Or" has an "And" inside`,
  },
  {
    name: "$or with AND inside, third branch",
    pattern: andInsideOr,
    event: cw({ scope: "Service" }),
    matches: true,
    source: `${R} "Or" has an "And" inside`,
  },
  {
    name: "nested $or",
    pattern: nestedOr,
    event: cw({ metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 }),
    matches: true,
    source: `${R} Nested "Or" and "And"`,
  },
  {
    name: "nested $or, inner OR fails",
    pattern: nestedOr,
    event: cw({ metricType: "MetricType", namespace: "AWS/ES", spaceId: 1 }),
    matches: false,
    source: `${R} Nested "Or" and "And"`,
  },
  {
    name: "nested $or, first branch",
    pattern: nestedOr,
    event: cw({ metricName: "ReadLatency" }),
    matches: true,
    source: `${R} Nested "Or" and "And"`,
  },
  {
    name: "$or followed by an object is a field name",
    pattern: {
      source: ["aws.cloudwatch"],
      $or: { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
    },
    event: cw({ $or: { metricType: "MetricType", namespace: "AWS/ES" } }),
    matches: true,
    source: `${R} The backward compatibility of using "$or" as field name`,
  },
  {
    name: "array of objects",
    pattern: { employees: { firstName: ["Anna"] } },
    event: employees,
    matches: true,
    source: `${R} JSON Array Matching`,
  },
  {
    name: "array consistency",
    pattern: { employees: { firstName: ["Anna"], lastName: ["Jones"] } },
    event: employees,
    matches: false,
    source: `${R} JSON Array Matching (rulesForJSONEvent will not match)`,
  },
  {
    name: "fields from one element",
    pattern: { employees: { firstName: ["Anna"], lastName: ["Smith"] } },
    event: employees,
    matches: true,
    source: `${R} JSON Array Matching (two fields in the same element)`,
  },
  {
    name: "multi-level arrays",
    pattern: { employees: { firstName: ["Anna"] } },
    event: { employees: [[{ firstName: "John" }, { firstName: "Anna" }], [{ firstName: "Peter" }]] },
    matches: true,
    source: `${R} JSON Array Matching (works for multi-level arrays too)`,
  },
  {
    name: "JSON literal true is not the string",
    pattern: { xyz: ["true"] },
    event: { xyz: true },
    matches: false,
    source: `${R} JSON text matching ("true" vs true)`,
  },
  {
    name: "JSON literal true",
    pattern: { xyz: [true] },
    event: { xyz: true },
    matches: true,
    source: `${R} JSON text matching (true, false, null literals)`,
  },
];
