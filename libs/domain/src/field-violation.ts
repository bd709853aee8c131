/** A rule broken by one field of an input (same shape as contracts' FieldViolation). */
export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

/**
 * Thrown when a domain function cannot answer because its input breaks a rule.
 * `code` is stable (callers map it to API / workflow error types); violations name the fields.
 */
export class DomainRuleError extends Error {
  override readonly name = 'DomainRuleError';

  constructor(
    readonly code: string,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
  }
}

export function violation(field: string, rule: string, message: string): FieldViolation {
  return { field, rule, message };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs (any version); the one check API, workflows and rules share. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
