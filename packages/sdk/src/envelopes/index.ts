export {
  commandSubject,
  DomainCategory,
  type DomainSubject,
  domainPattern,
  domainSubject,
  eventSubject,
  InvalidDomainSubjectError,
  kindOfCategory,
  parseDomainSubject,
  querySubject,
} from "./domain-subject.ts";
export { command, type Envelope, event, query } from "./envelope.ts";
