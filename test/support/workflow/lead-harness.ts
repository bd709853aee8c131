import { WorkflowHandleWithFirstExecutionRunId, WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { engagementSignal, LeadWorkflowInput, leadStateQuery, LeadWorkflowState } from '../../../libs/contracts/src/lead-workflow';
import { Actor } from '../../../libs/contracts/src/roles';
import { leadWorkflow } from '../../../workflows/src/lead.workflow';
import { FakeLeadWorld, officeHours } from './fake-lead-activities';
import { useTimeSkipping } from './time-skipping';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const BERLIN = 'Europe/Berlin';

type StateHandle = { query: (q: typeof leadStateQuery) => Promise<LeadWorkflowState> };
export type LeadHandle = WorkflowHandleWithFirstExecutionRunId<typeof leadWorkflow>;

/**
 * What every lead workflow test file needs: a fresh time-skipping server per test, a worker
 * on the in-memory activities of a FakeLeadWorld, and helpers that read the workflow's state.
 */
export function useLeadHarness(server: 'time-skipping' | 'dev' = 'time-skipping') {
  const ts = useTimeSkipping(server);
  const env = (): TestWorkflowEnvironment => ts.env();
  let seq = 0;

  async function withWorker<T>(world: FakeLeadWorld, fn: () => Promise<T>): Promise<T> {
    const taskQueue = `lead-test-${++seq}`;
    const worker = await Worker.create({ connection: env().nativeConnection, taskQueue, workflowBundle: ts.bundle(), activities: world.activities() });
    (world as unknown as { taskQueue: string }).taskQueue = taskQueue;
    return worker.runUntil(fn);
  }

  /** Start a lead's workflow on the world's worker; `input` overrides the start input (an adopted or carried lead). */
  async function start(world: FakeLeadWorld, input: Partial<LeadWorkflowInput> = {}) {
    const taskQueue = (world as unknown as { taskQueue: string }).taskQueue;
    const leadId = input.leadId ?? `lead-${seq}-${Date.now()}`;
    const args: LeadWorkflowInput = { leadId, capturedAt: new Date(await env().currentTimeMs()).toISOString(), ...input };
    return env().client.workflow.start(leadWorkflow, { taskQueue, workflowId: `lead:${leadId}`, args: [args] });
  }

  const now = async () => new Date(await env().currentTimeMs());
  const state = (h: StateHandle) => h.query(leadStateQuery);
  /** Let `ms` pass: skipped test time on the time-skipping server (whose clock stands still between skips), real time on the dev server. */
  const pause = (ms: number): Promise<void> => (server === 'dev' ? new Promise((r) => setTimeout(r, ms)) : env().sleep(ms));

  /**
   * Wait until the workflow's state satisfies `pred`. Each query gets 2 s: the time-skipping
   * server may leave a query unanswered that raced a continue-as-new, and the next one is answered.
   */
  async function until(h: StateHandle, pred: (s: LeadWorkflowState) => boolean, what: string): Promise<LeadWorkflowState> {
    const ask = () => Promise.race([state(h), new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    for (let i = 0; i < 200; i++) {
      const s = await ask();
      if (s && pred(s)) return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`workflow never reached: ${what}; stage ${(await ask())?.stage}`);
  }

  return { env, withWorker, start, now, state, until, pause };
}

export const rep = (id: string, holidays: string[] = []) => ({ id, managerId: 'manager-1', calendar: officeHours(BERLIN, holidays) });
export const actor = (id: string): Actor => ({ id, role: 'SALES_REP' });

/** The typed refusal of an update (its ApplicationFailure type and message); fails when it was not refused. */
export async function refusal(p: Promise<unknown>): Promise<{ type?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (e as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    return { type: cause.type, message: cause.message };
  }
  throw new Error('expected the update to be refused');
}

/** Every run of the lead's workflow, first to latest: its history's length and size in bytes. */
export async function runsOf(env: TestWorkflowEnvironment, h: LeadHandle): Promise<{ events: number; bytes: number }[]> {
  const runs: { events: number; bytes: number }[] = [];
  let runId: string | undefined = h.firstExecutionRunId;
  while (runId) {
    const history: { events?: { workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null }[] | null } = await env.client.workflow.getHandle(h.workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ events: events.length, bytes: Buffer.byteLength(JSON.stringify(history)) });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

type Pause = (ms: number) => Promise<void>;

/** Until the workflow has taken every signal sent so far: its latest run's history stops growing. */
export async function settled(h: LeadHandle, pause: Pause): Promise<void> {
  let last = '';
  let stable = 0;
  for (let i = 0; i < 1200 && stable < 3; i++) {
    const d = await h.describe();
    const now = `${d.runId}/${d.historyLength}`;
    stable = now === last ? stable + 1 : 0;
    last = now;
    await pause(50);
  }
  if (stable < 3) throw new Error('the workflow never settled');
}

/**
 * Send `n` signals in bursts of `burst` (`inFlight` at a time), letting the workflow take each
 * burst: a lead's events arrive over months, not in one unbroken stream, and a run cannot hand
 * over while signals keep arriving faster than a workflow task completes.
 */
export async function signalMany(h: LeadHandle, pause: Pause, n: number, make: (i: number) => { eventId: string; type: string; occurredAt: string }, burst = 100, inFlight = 5): Promise<void> {
  for (let i = 0; i < n; i += inFlight) {
    await Promise.all(Array.from({ length: Math.min(inFlight, n - i) }, (_, j) => h.signal(engagementSignal, make(i + j))));
    if ((i + inFlight) % burst === 0) await settled(h, pause);
  }
  await settled(h, pause);
}

