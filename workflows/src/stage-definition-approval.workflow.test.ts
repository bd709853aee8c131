import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  ApprovalDecision,
  approveStageDefinitionUpdate,
  requestStageDefinitionChangesUpdate,
  StageDefinitionActivities,
  stageDefinitionApprovalQuery,
} from '../../libs/contracts/src/stage-definition-workflow';
import { Actor } from '../../libs/contracts/src/roles';
import { useTimeSkipping } from '../../test/support/workflow/time-skipping';
import { stageDefinitionApprovalWorkflow } from './stage-definition-approval.workflow';

const ts = useTimeSkipping();
let env: TestWorkflowEnvironment;
beforeEach(() => {
  env = ts.env();
});

class FakeDefinitions {
  decisions: ApprovalDecision[] = [];
  activations = 0;
  closed: string[] = [];
  reminders: string[][] = [];
  activities(): StageDefinitionActivities {
    return {
      recordApprovalDecision: async ({ decision }) => void this.decisions.push(decision),
      activateStageDefinition: async () => {
        this.activations++;
        return { activated: true, supersededVersion: 1 };
      },
      closeStageDefinitionProposal: async ({ status }) => void this.closed.push(status),
      remindApprovers: async ({ approverIds }) => void this.reminders.push(approverIds),
    };
  }
}

const exec = (id: string): Actor => ({ id, role: 'EXECUTIVE' });
let seq = 0;

async function run<T>(fake: FakeDefinitions, fn: (h: Awaited<ReturnType<typeof startApproval>>) => Promise<T>): Promise<T> {
  const taskQueue = `approval-${++seq}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: ts.bundle(), activities: fake.activities() });
  return worker.runUntil(async () => fn(await startApproval(taskQueue)));
}

async function startApproval(taskQueue: string) {
  const now = await env.currentTimeMs();
  return env.client.workflow.start(stageDefinitionApprovalWorkflow, {
    taskQueue,
    workflowId: `stage-definition:test-${seq}-${now}`,
    args: [{ definitionId: `def-${seq}`, version: 2, approverIds: ['cro', 'cmo'], deadline: new Date(now + 7 * 86_400_000).toISOString(), reminderEveryHours: 24 }],
  });
}

async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((e as WorkflowUpdateFailedError).cause as { type?: string }).type;
  }
  throw new Error('expected a refusal');
}

describe('stage definition approval workflow', () => {
  it('activates once after every required approver; refuses non-approvers and second decisions', async () => {
    const fake = new FakeDefinitions();
    await run(fake, async (h) => {
      expect(await refusal(h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cfo'), comment: 'fine' }] }))).toBe('FORBIDDEN');
      await h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cro'), comment: 'Sales agrees' }] });
      expect(await refusal(h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cro'), comment: 'again' }] }))).toBe('CONFLICT');
      expect((await h.query(stageDefinitionApprovalQuery)).status).toBe('PROPOSED');
      // The last approval arrives twice at once: exactly one activation.
      const [a, b] = await Promise.allSettled([
        h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cmo'), comment: 'Marketing agrees' }] }),
        h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cmo'), comment: 'Marketing agrees' }] }),
      ]);
      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      const result = await h.result();
      expect(result.status).toBe('ACTIVE');
      expect(fake.activations).toBe(1);
      expect(fake.decisions.map((d) => d.approverId)).toEqual(['cro', 'cmo']);
    });
  });

  it('reminds pending approvers daily and expires at its deadline, activating nothing', async () => {
    const fake = new FakeDefinitions();
    await run(fake, async (h) => {
      await h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cro'), comment: 'ok' }] });
      const result = await h.result(); // time skips through the 7-day deadline
      expect(result.status).toBe('EXPIRED');
      expect(fake.closed).toEqual(['EXPIRED']);
      expect(fake.activations).toBe(0);
      expect(fake.reminders.length).toBeGreaterThanOrEqual(6);
      expect(fake.reminders.every((r) => r.length === 1 && r[0] === 'cmo')).toBe(true);
    });
  });

  it('a change request closes the proposal; a comment is required', async () => {
    const fake = new FakeDefinitions();
    await run(fake, async (h) => {
      expect(await refusal(h.executeUpdate(requestStageDefinitionChangesUpdate, { args: [{ actor: exec('cmo'), comment: '' }] }))).toBe('BAD_USER_INPUT');
      await h.executeUpdate(requestStageDefinitionChangesUpdate, { args: [{ actor: exec('cmo'), comment: 'Lower the pricing trigger to 2 views' }] });
      const result = await h.result();
      expect(result.status).toBe('CHANGES_REQUESTED');
      expect(fake.activations).toBe(0);
      expect(fake.closed).toEqual(['CHANGES_REQUESTED']);
    });
  });
});
