import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../../libs/contracts/src';

/**
 * A query's fields must start within `budgetMs` of the request's arrival: past the budget,
 * each remaining field fails with TIME_BUDGET_EXCEEDED instead of resolving, so an expensive
 * query that passed the cost limit still ends and frees the process for the others.
 * Mutations are exempt: their effect has happened, and the caller must learn its outcome.
 */
export function timeBudget(budgetMs: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const deadline = performance.now() + budgetMs;
      return {
        async executionDidStart({ operation }) {
          if (operation?.operation !== 'query') return;
          return {
            willResolveField() {
              if (performance.now() >= deadline) throw new GraphQLError(`The request ran past its time budget of ${budgetMs} ms; ask for less at once`, { extensions: { code: ErrorCode.TIME_BUDGET_EXCEEDED } });
            },
          };
        },
      };
    },
  };
}
