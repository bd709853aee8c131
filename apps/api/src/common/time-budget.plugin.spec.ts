import { timeBudget } from './time-budget.plugin';

/** The field hook the plugin gives an operation of `kind`, as Apollo would call it. */
async function fieldHook(budgetMs: number, kind: 'query' | 'mutation') {
  const request = await (timeBudget(budgetMs).requestDidStart as any)({});
  const execution = await request.executionDidStart({ operation: { operation: kind } });
  return () => execution?.willResolveField?.({});
}

describe('time budget', () => {
  it('fails the fields of a query that start past the budget', async () => {
    expect(await fieldHook(0, 'query')).toThrow(expect.objectContaining({ extensions: { code: 'TIME_BUDGET_EXCEEDED' } }));
    expect(await fieldHook(60_000, 'query')).not.toThrow();
  });

  it('never fails a mutation\'s fields: its effect has happened and the caller must learn the outcome', async () => {
    expect(await fieldHook(0, 'mutation')).not.toThrow();
  });
});
