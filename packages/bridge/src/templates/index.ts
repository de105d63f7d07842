export {
  type BuiltinArity,
  compileTemplate,
  type Template,
  type TemplateScope,
  type TemplateValue,
  type TemplateVocabulary,
  toText,
} from "./compile.ts";
export { TemplateJson } from "./json-value.ts";
export { FILTERS, type FilterName, parseTemplate, TemplateError } from "./parse.ts";
export { compileValue, type ValueTemplate } from "./value.ts";
