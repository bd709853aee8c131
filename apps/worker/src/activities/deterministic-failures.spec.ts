import { ApplicationFailure } from '@temporalio/common';
import { DataSource, EntityNotFoundError } from 'typeorm';
import { FailFastOnNotFound } from './deterministic-failures';
import { StageDefinitionActivitiesImpl } from './stage-definition.activities';

/** What Temporal sees of an activity's error: its type and whether it may be retried. */
async function failureOf(p: Promise<unknown>): Promise<{ type?: string | null; nonRetryable?: boolean | null; name: string }> {
  try {
    await p;
  } catch (e) {
    const f = e as ApplicationFailure;
    return { type: e instanceof ApplicationFailure ? f.type : undefined, nonRetryable: e instanceof ApplicationFailure ? f.nonRetryable : undefined, name: (e as Error).name };
  }
  throw new Error('expected a failure');
}

describe('deterministic activity failures fail fast', () => {
  it('activating a stage definition that does not exist is a non-retryable NOT_FOUND', async () => {
    const qb = { where: () => qb, setLock: () => qb, getMany: async () => [] };
    const db = { transaction: async (fn: (tx: unknown) => Promise<unknown>) => fn({ getRepository: () => ({ createQueryBuilder: () => qb }) }) } as unknown as DataSource;
    const failure = await failureOf(new StageDefinitionActivitiesImpl(db).activateStageDefinition({ definitionId: 'missing', at: new Date().toISOString() }));
    expect(failure).toMatchObject({ type: 'NOT_FOUND', nonRetryable: true });
  });

  it("TypeORM's EntityNotFoundError (findOneByOrFail) becomes a non-retryable NOT_FOUND; other errors are unchanged", async () => {
    @FailFastOnNotFound()
    class Activities {
      async missing(): Promise<void> {
        throw new EntityNotFoundError('LeadEntity', { id: 'x' });
      }
      async flaky(): Promise<void> {
        throw new Error('connection reset');
      }
      async ok(n: number): Promise<number> {
        return n + 1;
      }
    }
    const a = new Activities();
    expect(await failureOf(a.missing())).toMatchObject({ type: 'NOT_FOUND', nonRetryable: true });
    expect(await failureOf(a.flaky())).toEqual({ type: undefined, nonRetryable: undefined, name: 'Error' });
    expect(await a.ok(1)).toBe(2);
  });
});
