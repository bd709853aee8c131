import { WorkflowUpdateFailedError } from '@temporalio/client';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../../libs/contracts/src';
import { badInput, domainError } from './errors';

/**
 * A refused or failed workflow update as a typed GraphQL error: the workflow's validators
 * raise ApplicationFailures whose type is our ErrorCode and whose details name the fields
 * (or, for INVALID_TRANSITION, the stage the workflow refused in: `extensions.stage`).
 */
export function toGraphQLError(e: unknown): GraphQLError {
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const code = (cause?.type ?? ErrorCode.INVALID_TRANSITION) as ErrorCode;
    const violations = (cause?.details ?? []) as { field?: string; rule?: string; message?: string; stage?: string }[];
    if (code === ErrorCode.BAD_USER_INPUT && violations.length) return badInput(violations as { field: string; rule: string; message: string }[]);
    const first = violations[0] ?? {};
    const extra = { ...(first.field ? { field: first.field, rule: first.rule } : {}), ...(first.stage ? { stage: first.stage } : {}) };
    return domainError(Object.values(ErrorCode).includes(code) ? code : ErrorCode.INVALID_TRANSITION, cause?.message ?? 'The command was refused', extra);
  }
  const name = (e as Error)?.name;
  if (name === 'WorkflowNotFoundError') return domainError(ErrorCode.INVALID_TRANSITION, 'The lead\'s lifecycle has ended; it accepts no further commands');
  return domainError(ErrorCode.UNAVAILABLE, `The lead workflow could not be reached: ${(e as Error)?.message}`);
}
