import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../../libs/contracts/src';

/**
 * A request's fields must start within `budgetMs` of its arrival: past the budget, each
 * remaining field fails with TIME_BUDGET_EXCEEDED instead of resolving, so an expensive
 * request that passed the cost limit still ends and frees the process for the others.
 */
export function timeBudget(budgetMs: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const deadline = performance.now() + budgetMs;
      return {
        async executionDidStart() {
          return {
            willResolveField() {
              if (performance.now() > deadline) throw new GraphQLError(`The request ran past its time budget of ${budgetMs} ms; ask for less at once`, { extensions: { code: ErrorCode.TIME_BUDGET_EXCEEDED } });
            },
          };
        },
      };
    },
  };
}
