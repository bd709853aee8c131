import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { RecordEngagementInput, RecordEngagementPayload } from './dto/record-engagement.input';
import { MAX_ENGAGEMENT_BATCH, RecordEngagementResult } from './dto/record-engagements.types';
import { EngagementBatchService } from './engagement-batch.service';
import { EngagementService } from './engagement.service';

@Resolver()
export class EngagementResolver {
  constructor(private readonly engagement: EngagementService, private readonly batch: EngagementBatchService) {}

  @Mutation(() => RecordEngagementPayload, { description: 'Record an engagement event; unknown emails create the lead. Idempotent per idempotencyKey.' })
  @Roles('INTEGRATION', 'MARKETING', 'ADMIN')
  recordEngagement(@Args('input') input: RecordEngagementInput): Promise<RecordEngagementPayload> {
    return this.engagement.record(input, 'GRAPHQL');
  }

  // Each event is validated by the service, on its own: one bad event must not refuse the others.
  @Mutation(() => [RecordEngagementResult], {
    description: `Record up to ${MAX_ENGAGEMENT_BATCH} engagement events, as if sent one by one in order: one result per event, in input order (recorded, duplicate or rejected with the field and rule). Idempotent per event.`,
  })
  @Roles('INTEGRATION', 'MARKETING', 'ADMIN')
  recordEngagements(@Args('inputs', { type: () => [RecordEngagementInput] }) inputs: RecordEngagementInput[]): Promise<RecordEngagementResult[]> {
    return this.batch.recordMany(inputs, 'GRAPHQL', 'inputs');
  }
}
