import { WorkflowHandleWithFirstExecutionRunId, WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { acceptLeadUpdate, EngagementSignal, engagementSignal, LeadWorkflowInput, leadStateQuery, LeadWorkflowState, qualifyLeadUpdate } from '../../../libs/contracts/src/lead-workflow';
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
 * What every lead workflow test file needs: a fresh time-skipping server (or dev server) per
 * test, a worker on the in-memory activities of a FakeLeadWorld, helpers that read the
 * workflow's state, and the usual ways to bring a lead to MQL or to an open opportunity.
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

  /** A lead routed to rep-a by a demo request (MQL). */
  async function routedLead(world: FakeLeadWorld): Promise<LeadHandle> {
    const h = await start(world);
    await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
    await until(h, (x) => x.ownerId === 'rep-a', 'routed to rep-a');
    return h;
  }

  /** A lead rep-a accepted and qualified: its opportunity is open. */
  async function opportunity(world: FakeLeadWorld): Promise<LeadHandle> {
    const h = await routedLead(world);
    await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
    const bant = { budget: true, authority: true, need: true, timeline: false };
    await h.executeUpdate(qualifyLeadUpdate, { args: [{ actor: actor('rep-a'), bant, amount: 50_000, expectedCloseAt: new Date((await now()).getTime() + 30 * DAY).toISOString() }] });
    return h;
  }

  /** Every run of the lead's workflow, first to latest: its history's length and size in bytes, as the server counts them. */
  async function runsOf(h: LeadHandle): Promise<{ events: number; bytes: number }[]> {
    const runs: { events: number; bytes: number }[] = [];
    let runId: string | undefined = h.firstExecutionRunId;
    while (runId) {
      const run = env().client.workflow.getHandle(h.workflowId, runId);
      const { historyLength, historySize } = await run.describe();
      runs.push({ events: historyLength, bytes: historySize ?? NaN });
      const history: { events?: { workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null }[] | null } = await run.fetchHistory();
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return runs;
  }

  /** Until the workflow has taken every signal sent so far: its latest run's history stops growing. */
  async function settled(h: LeadHandle): Promise<void> {
    let last = '';
    let stable = 0;
    for (let i = 0; i < 1200 && stable < 3; i++) {
      const d = await h.describe();
      const seen = `${d.runId}/${d.historyLength}`;
      stable = seen === last ? stable + 1 : 0;
      last = seen;
      await pause(50);
    }
    if (stable < 3) throw new Error('the workflow never settled');
  }

  /**
   * Send `n` signals in bursts of `burst` (`inFlight` at a time), letting the workflow take each
   * burst: a lead's events arrive over months, not in one unbroken stream, and a run cannot hand
   * over while signals keep arriving faster than a workflow task completes.
   */
  async function signalMany(h: LeadHandle, n: number, make: (i: number) => EngagementSignal, burst = 100, inFlight = 5): Promise<void> {
    for (let i = 0; i < n; i += inFlight) {
      await Promise.all(Array.from({ length: Math.min(inFlight, n - i) }, (_, j) => h.signal(engagementSignal, make(i + j))));
      if ((i + inFlight) % burst === 0) await settled(h);
    }
    await settled(h);
  }

  return { env, withWorker, start, now, state, until, pause, routedLead, opportunity, runsOf, signalMany };
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
