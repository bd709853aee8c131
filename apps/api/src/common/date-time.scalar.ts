import { GraphQLISODateTime } from '@nestjs/graphql';
import { Kind, ValueNode } from 'graphql';

/** An ISO-8601 instant with its offset: 2026-11-23T10:00:00Z, 2026-11-23T11:00:00.5+01:00. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant an ISO-8601 string names; anything else (a number of milliseconds, a date
 * without time or offset, a year beyond 9999) is an invalid Date, which the input rules
 * refuse naming the field. Shared by the DateTime scalar and the webhook's JSON.
 */
export function toInstant(value: unknown): Date {
  if (value instanceof Date) return value;
  return typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : new Date(NaN);
}

/**
 * Nest's DateTime scalar reads a number as milliseconds and any text Date.parse accepts. It is
 * the one DateTime of the schema (explicit and implicit Date fields alike), so its parsing is
 * made strict in place rather than by declaring a second scalar of the same name.
 */
export function useStrictDateTime(): void {
  Object.assign(GraphQLISODateTime, {
    parseValue: toInstant,
    parseLiteral: (ast: ValueNode) => toInstant(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}
