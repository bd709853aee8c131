import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeadActivities } from '../../libs/contracts/src/lead-activities';
import { leadStateQuery, LeadWorkflowInput, LeadWorkflowState } from '../../libs/contracts/src/lead-workflow';
import { SYSTEM_ACTOR } from '../../libs/contracts/src/roles';

const store = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One lead's lifecycle, from first touch to outcome. Everything it decides is recorded
 * through activities keyed by `<workflowId>/<step>` so a retried activity never writes twice.
 */
export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const state: LeadWorkflowState = { leadId: input.leadId, stage: 'FIRST_TOUCH', ownerId: null, transitions: 0 };
  setHandler(leadStateQuery, () => state);

  await store.recordTransition({
    leadId: input.leadId,
    stepKey: `${workflowId}/first-touch`,
    fromStage: null,
    toStage: 'FIRST_TOUCH',
    occurredAt: input.capturedAt,
    actor: SYSTEM_ACTOR,
    reason: 'Lead captured',
  });
  state.transitions++;

  // Nurture: waits for engagement (built out with the lifecycle rules).
  await condition(() => false);
}
