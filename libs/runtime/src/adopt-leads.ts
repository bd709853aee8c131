import { Client, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { AdoptedLeadState, LEAD_TASK_QUEUE, leadWorkflowId, LeadWorkflowInput } from '../../contracts/src';
import type { AdoptionCandidate } from '../../persistence/src/import/importer';

/**
 * Starts the lead workflow of each imported open lead where its history stands (the import's
 * `adopt` hook): a routed MQL with its owner and routing instant, a SAL in its cadence from
 * its acceptance, an open opportunity waiting for its close (each with its imported touches
 * and the cycle and recycle count of its earlier cycles), a recycled lead in nurture until
 * its re-engage date. A lead whose workflow already runs is left alone.
 */
export async function startAdoptedLeads(client: Client, leads: AdoptionCandidate[]): Promise<{ started: number; alreadyRunning: number }> {
  let started = 0;
  let alreadyRunning = 0;
  for (const lead of leads) {
    const args = startInput(lead);
    try {
      await client.workflow.start('leadWorkflow', {
        taskQueue: LEAD_TASK_QUEUE,
        workflowId: leadWorkflowId(lead.leadId),
        args: [args],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        searchAttributes: { BatonKind: ['lead'], BatonStage: [args.adopted?.stage ?? 'RECYCLED'] },
      });
      started++;
    } catch (e) {
      if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e;
      alreadyRunning++;
    }
  }
  return { started, alreadyRunning };
}

const ADOPTED_STAGE: Record<Exclude<AdoptionCandidate['kind'], 'RECYCLED'>, AdoptedLeadState['stage']> = { ROUTED_MQL: 'MQL', SAL: 'SAL', OPPORTUNITY: 'OPPORTUNITY' };

/** A live lead keeps one cycle per earlier recycle, so the adopted one starts at its recycle count. */
function startInput(lead: AdoptionCandidate): LeadWorkflowInput {
  const { leadId, capturedAt, recycleCount } = lead;
  if (lead.kind === 'RECYCLED') return { leadId, capturedAt, carried: { cycle: recycleCount, stage: 'RECYCLED', recycleCount, reengageAfter: lead.reengageAt } };
  const stage = ADOPTED_STAGE[lead.kind];
  const adopted: AdoptedLeadState = { stage, ownerId: lead.ownerId!, routedAt: lead.routedAt!, hot: lead.hot, demoRequest: lead.demoRequest, touches: lead.touches };
  if (stage !== 'MQL') adopted.acceptedAt = lead.acceptedAt!;
  if (stage === 'OPPORTUNITY') adopted.opportunityId = lead.opportunityId!;
  return { leadId, capturedAt, adopted, carried: { cycle: recycleCount, stage, recycleCount, reengageAfter: null } };
}
