import { Client, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { LEAD_TASK_QUEUE, leadWorkflowId, LeadWorkflowInput } from '../../contracts/src';
import type { AdoptionCandidate } from '../../persistence/src/import/importer';

/**
 * Starts the lead workflow of each imported open lead where its history stands (the import's
 * `adopt` hook): a routed MQL with its owner and routing instant, a recycled lead in nurture
 * until its re-engage date. A lead whose workflow already runs is left alone.
 */
export async function startAdoptedLeads(client: Client, leads: AdoptionCandidate[]): Promise<{ started: number; alreadyRunning: number }> {
  let started = 0;
  let alreadyRunning = 0;
  for (const lead of leads) {
    const args: LeadWorkflowInput =
      lead.kind === 'ROUTED_MQL'
        ? { leadId: lead.leadId, capturedAt: lead.capturedAt, adopted: { stage: 'MQL', ownerId: lead.ownerId!, routedAt: lead.routedAt!, hot: lead.hot, demoRequest: lead.demoRequest } }
        : { leadId: lead.leadId, capturedAt: lead.capturedAt, carried: { cycle: lead.recycleCount, stage: 'RECYCLED', recycleCount: lead.recycleCount, reengageAfter: lead.reengageAt } };
    try {
      await client.workflow.start('leadWorkflow', {
        taskQueue: LEAD_TASK_QUEUE,
        workflowId: leadWorkflowId(lead.leadId),
        args: [args],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        searchAttributes: { BatonKind: ['lead'], BatonStage: [lead.kind === 'ROUTED_MQL' ? 'MQL' : 'RECYCLED'] },
      });
      started++;
    } catch (e) {
      if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e;
      alreadyRunning++;
    }
  }
  return { started, alreadyRunning };
}
