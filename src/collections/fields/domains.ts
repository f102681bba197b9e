import { type FieldIssue, issue } from "../../errors/api-error.js";

/** The `onlyDomains` / `exceptDomains` options shared by email and url fields. */
export interface DomainOptions {
  onlyDomains: string[] | null;
  exceptDomains: string[] | null;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

export function isDomain(value: string): boolean {
  return DOMAIN.test(value);
}

function listIssue(list: string[] | null, other: string[] | null): FieldIssue | undefined {
  if (!list || list.length === 0) return undefined;
  if (other && other.length > 0) return issue("validation_empty", "Must be blank.");
  const bad = list.find((domain) => !isDomain(domain));
  return bad === undefined
    ? undefined
    : issue("validation_is_domain", "Must be a valid domain.", { value: bad });
}

/** Only one of the two lists may be set, and each entry must be a domain name. */
export function domainOptionIssues(field: DomainOptions): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  const only = listIssue(field.onlyDomains, field.exceptDomains);
  if (only) issues["onlyDomains"] = only;
  const except = listIssue(field.exceptDomains, field.onlyDomains);
  if (except) issues["exceptDomains"] = except;
  return issues;
}

/** Domain names are case-insensitive, so the lists match regardless of case. */
export function domainAllowed(field: DomainOptions, domain: string): boolean {
  const host = domain.toLowerCase();
  const has = (list: string[]) => list.some((entry) => entry.toLowerCase() === host);
  if (field.onlyDomains && field.onlyDomains.length > 0 && !has(field.onlyDomains)) return false;
  if (field.exceptDomains && field.exceptDomains.length > 0 && has(field.exceptDomains)) return false;
  return true;
}
