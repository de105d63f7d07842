import { z } from "zod";

export const TelemetrySchema = z
  .strictObject({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe(
        "OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (spans go to <endpoint>/v1/traces unless the URL already ends so).",
      ),
    serviceName: z.string().min(1).default("junction").describe("The `service.name` of every span."),
    sampling: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        "Share of new traces recorded (0..1); a trace begun upstream keeps its caller's sampling decision.",
      ),
  })
  .describe(
    "Tracing of `junction run` / `up`: gateway, bridge and SDK spans joined into one trace per request (docs/observability.md). Absent: no spans.",
  );

export type TelemetryConfig = z.output<typeof TelemetrySchema>;
