import { GraphQLError } from 'graphql';
import { ErrorCode, FieldViolation } from '../../../../libs/contracts/src';
import { isUuid } from '../../../../libs/domain/src/field-violation';

/**
 * Typed GraphQL errors: `extensions.code` is one of the contract's ErrorCode values;
 * input errors also name the offending fields and rules.
 */
export function badInput(violations: FieldViolation[]): GraphQLError {
  const first = violations[0];
  const message = violations.length === 1 ? `${first.field}: ${first.message}` : `Invalid input: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`;
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field: first?.field, violations } });
}

export function domainError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const notFound = (what: string, id: string) => domainError(ErrorCode.NOT_FOUND, `${what} ${id} not found`, { id });
export const forbidden = (message: string) => domainError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'Authentication required: send Authorization: Bearer <token>') => domainError(ErrorCode.UNAUTHENTICATED, message);

/** Ids are UUIDs; anything else is a typed input error rather than a database error. */
export function assertUuid(field: string, value: string): void {
  if (!isUuid(value)) throw badInput([{ field, rule: 'isUuid', message: 'must be a UUID' }]);
}
