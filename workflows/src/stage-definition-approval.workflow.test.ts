import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { EntityNotFoundError } from 'typeorm';
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

/** A promise the test resolves when it chooses, to hold an activity open. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

class FakeDefinitions {
  decisions: ApprovalDecision[] = [];
  activations = 0;
  activationAttempts = 0;
  closed: string[] = [];
  reminders: string[][] = [];
  /** When set, recording a change request waits for it (and `recording` resolves when the recording starts). */
  holdRecord?: ReturnType<typeof gate>;
  recording = gate();
  activationError?: () => Error;
  activities(): StageDefinitionActivities {
    return {
      recordApprovalDecision: async ({ decision }) => {
        if (decision.decision === 'CHANGES_REQUESTED') {
          this.recording.open();
          await this.holdRecord?.promise;
        }
        this.decisions.push(decision);
      },
      activateStageDefinition: async () => {
        this.activationAttempts++;
        if (this.activationError) throw this.activationError();
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

  it('a decision arriving after the outcome is decided (its recording still running) is refused, not accepted late', async () => {
    const fake = new FakeDefinitions();
    fake.holdRecord = gate();
    await run(fake, async (h) => {
      const request = h.executeUpdate(requestStageDefinitionChangesUpdate, { args: [{ actor: exec('cmo'), comment: 'Lower the pricing trigger to 2 views' }] });
      await fake.recording.promise; // the change request is decided; its recording is still under way
      expect(await refusal(h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec('cro'), comment: 'late' }] }))).toBe('INVALID_TRANSITION');
      fake.holdRecord!.open();
      await request;
      const result = await h.result();
      expect(result.status).toBe('CHANGES_REQUESTED');
      expect(result.decisions.map((d) => d.approverId)).toEqual(['cmo']);
      expect(fake.decisions.map((d) => d.approverId)).toEqual(['cmo']);
      expect(fake.closed).toEqual(['CHANGES_REQUESTED']);
    });
  });

  it.each([
    ['a missing row (TypeORM EntityNotFoundError)', () => new EntityNotFoundError('StageDefinitionEntity', { id: 'x' })],
    ['NOT_FOUND', () => ApplicationFailure.create({ type: 'NOT_FOUND', message: 'stage definition not found' })],
  ])('activation failing with %s fails fast instead of retrying', async (_what, error) => {
    const fake = new FakeDefinitions();
    fake.activationError = error;
    await run(fake, async (h) => {
      await Promise.all(['cro', 'cmo'].map((id) => h.executeUpdate(approveStageDefinitionUpdate, { args: [{ actor: exec(id), comment: 'ok' }] })));
      const failure = await h.result().then(
        () => null,
        (e) => e,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(ActivityFailure);
      expect(fake.activationAttempts).toBe(1);
    });
  });
});
