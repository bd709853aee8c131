import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { RecordEngagementInput, RecordEngagementPayload } from './dto/record-engagement.input';
import { EngagementService } from './engagement.service';

@Resolver()
export class EngagementResolver {
  constructor(private readonly engagement: EngagementService) {}

  @Mutation(() => RecordEngagementPayload, { description: 'Record an engagement event; unknown emails create the lead. Idempotent per idempotencyKey.' })
  @Roles('INTEGRATION', 'MARKETING', 'ADMIN')
  recordEngagement(@Args('input') input: RecordEngagementInput): Promise<RecordEngagementPayload> {
    return this.engagement.record(input, 'GRAPHQL');
  }
}
