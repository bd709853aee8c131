import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { assertUuid, badInput, notFound } from '../common/errors';
import { ImportJobType, ImportRejectionType } from './dto/import.types';
import { ImportsService } from './imports.service';

const ADMINS = ['REVOPS', 'ADMIN'] as const;

function bounded(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput([{ field, rule: 'RANGE', message: `must be an integer from ${min} to ${max}` }]);
  return value;
}

/** Historical import jobs (docs/import.md): what was imported, skipped and rejected. RevOps and admins only. */
@Resolver(() => ImportJobType)
export class ImportsResolver {
  constructor(private readonly imports: ImportsService) {}

  @Query(() => [ImportJobType], { description: 'The latest import jobs, newest first.' })
  @Roles(...ADMINS)
  importJobs(@Args('limit', { type: () => Int, defaultValue: 20 }) limit: number) {
    return this.imports.list(bounded('limit', limit, 1, 200));
  }

  @Query(() => ImportJobType)
  @Roles(...ADMINS)
  async importJob(@Args('id', { type: () => ID }) id: string) {
    assertUuid('id', id);
    const job = await this.imports.get(id);
    if (!job) throw notFound('Import job', id);
    return job;
  }

  @ResolveField(() => [ImportRejectionType], { description: 'Rejected rows in file order (every one is stored).' })
  rejections(
    @Parent() job: ImportJobType,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ) {
    return this.imports.rejections(job.id, bounded('limit', limit, 1, 1000), bounded('offset', offset, 0, 2_000_000_000));
  }
}
