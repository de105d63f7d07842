export { contextOf, inSpan, SpanKind } from "./spans.ts";
