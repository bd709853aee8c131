import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../libs/contracts/src/lead-activities';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';

// A receiver that is down gets a day of retries with backoff; one that refuses (4xx) is not retried.
const delivery = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});
const record = proxyActivities<NotificationActivities>({ startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 hour', retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS } });

/**
 * Deliver one notification to its recipient's webhook. Started by the lead workflow as an
 * abandoned child: whatever the receiver does, the lead never waits for it or fails with it.
 * A delivery that gives up is recorded as FAILED on the notification (RevOps sees it); the
 * in-app inbox row was written before and stays.
 */
export async function notificationDeliveryWorkflow(input: { notificationId: string }): Promise<{ delivered: boolean; reason?: string }> {
  try {
    return await delivery.deliverWebhook(input);
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    const cause = e.cause;
    const reason = cause instanceof ApplicationFailure && cause.type === 'WEBHOOK_REFUSED' ? cause.message : `gave up: ${cause?.message ?? e.message}`;
    await record.recordDeliveryFailure({ notificationId: input.notificationId, reason });
    return { delivered: false, reason };
  }
}
