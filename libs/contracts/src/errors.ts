/**
 * Error codes every layer agrees on. The API puts them in GraphQL `extensions.code`;
 * workflows raise them as non-retryable ApplicationFailure types so update validators
 * and activities speak the same language as the API.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** The command is valid input but the lead's lifecycle does not allow it now. */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** The caller is not the lead's owner of record. */
  NOT_OWNER: 'NOT_OWNER',
  /** Disqualifying UNRESPONSIVE before the follow-up cadence is complete. */
  CADENCE_INCOMPLETE: 'CADENCE_INCOMPLETE',
  /** The attribution model of a period that has started cannot change. */
  ATTRIBUTION_MODEL_LOCKED: 'ATTRIBUTION_MODEL_LOCKED',
  UNAVAILABLE: 'UNAVAILABLE',
  /** Too many requests from one caller: retry after the seconds the answer names. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The request ran past its time budget; ask for less. */
  TIME_BUDGET_EXCEEDED: 'TIME_BUDGET_EXCEEDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A rule broken by one field of an input; what every BAD_USER_INPUT carries. */
export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

/**
 * Activity failure types that no retry can fix: every activity proxy of the sprint, stage
 * definition, governance and snapshot workflows lists them as non-retryable. Activities raise
 * `ApplicationFailure.nonRetryable(message, ErrorCode.NOT_FOUND)` for a missing row;
 * `EntityNotFoundError` is TypeORM's `findOneByOrFail` error, should one escape unmapped.
 */
export const NON_RETRYABLE_ACTIVITY_ERRORS: string[] = [
  ErrorCode.NOT_FOUND,
  ErrorCode.BAD_USER_INPUT,
  'EntityNotFoundError',
  // A domain rule the stored data breaks, and a webhook receiver that refused (4xx): the same answer every time.
  'DomainRuleError',
  'WEBHOOK_REFUSED',
];
