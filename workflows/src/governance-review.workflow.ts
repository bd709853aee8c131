import { proxyActivities } from '@temporalio/workflow';
import type { GovernanceActivities, GovernanceReviewInput } from '../../libs/contracts/src/sprint-workflow';

const { holdGovernanceReview } = proxyActivities<GovernanceActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 10 },
});

/**
 * One governance review after a sprint (weekly operating, monthly process, quarterly model
 * reset), started by its Temporal Schedule: the review record with its KPI snapshot and
 * findings; people add their decisions to it over the API.
 */
export async function governanceReviewWorkflow(input: GovernanceReviewInput): Promise<{ reviewId: string }> {
  return holdGovernanceReview({ ...input, at: new Date().toISOString() });
}
