import { z } from "zod";

/** Any JSON value; its strings are templates. One instance, so the JSON Schema defines it once. */
export const TemplateJson = z.json();
