import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';
import type { GovernanceActivities, GovernanceReviewInput } from '../../libs/contracts/src/sprint-workflow';

const { holdGovernanceReview } = proxyActivities<GovernanceActivities>({
  startToCloseTimeout: '5 minutes',
  // Bounded in time as well as attempts; a missing row or bad input is not retried.
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

/**
 * One governance review after a sprint (weekly operating, monthly process, quarterly model
 * reset), started by its Temporal Schedule: the review record with its KPI snapshot and
 * findings; people add their decisions to it over the API.
 */
export async function governanceReviewWorkflow(input: GovernanceReviewInput): Promise<{ reviewId: string }> {
  return holdGovernanceReview({ ...input, at: new Date().toISOString() });
}
