import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';

// Replay: every history recorded from the real runtime (test/fixtures/histories/<workflowType>/,
// written by scripts/record-histories.mjs) must replay against the workflow code as it is now.
// A change that alters the commands an existing run has already recorded (activities, timers,
// children, their order) fails here with the SDK's nondeterminism error, before a deployment
// would strand the runs in flight. Policy and how to ship such a change: docs/versioning.md.

const { historyFromJson } = require('../../scripts/lib/history-json.cjs') as { historyFromJson: (parsed: unknown) => History };

const ROOT = join(__dirname, '../..');
const HISTORIES = join(ROOT, 'test/fixtures/histories');

const recorded = readdirSync(HISTORIES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(HISTORIES, d.name))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ type: d.name, file: join(HISTORIES, d.name, f) })),
  );

/** The workflow types the worker registers: the exports of the bundle's entry point. */
function exportedWorkflowTypes(): string[] {
  const source = readFileSync(join(__dirname, 'index.ts'), 'utf8');
  return [...source.matchAll(/export\s*\{([^}]*)\}\s*from/g)].flatMap((m) => m[1].split(',').map((name) => name.trim().split(/\s+as\s+/).pop()!)).filter(Boolean);
}

/**
 * Histories that do not replay against the very code that recorded them: a defect in the
 * workflow (or the SDK), not drift. Each entry says why; its test passes only while replay
 * still fails with a nondeterminism error, so a fix turns it red until the entry is removed.
 * Keep this list empty: a run like these fails its workflow task on every worker that
 * replays it (restart, cache eviction, a query after it closed).
 */
const KNOWN_NONDETERMINISTIC: Record<string, string> = {
  'leadWorkflow/rejected-recycled.json':
    'rejectLead settles the ACCEPT clock: the clock watcher\'s closeClock local activity runs concurrently with the handler\'s ' +
    'recordTransition. Live, their completions wake the workflow one at a time; on replay (SDK 1.24.0) both resolve in one ' +
    'activation, so the next commands come in another order ("recorded marker closeClock does not match local activity command projectLead"). ' +
    'Cf. temporalio/sdk-typescript#1744. Fix in lead.workflow.ts, re-record, remove this entry.',
};

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
});

describe('recorded histories replay against the current workflow code', () => {
  it('quarantines only histories that exist', () => {
    const names = recorded.map((r) => relative(HISTORIES, r.file));
    expect(Object.keys(KNOWN_NONDETERMINISTIC).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('has at least one recorded history for every exported workflow type, and none for a type that no longer exists', () => {
    const types = exportedWorkflowTypes();
    expect(types.length).toBeGreaterThan(0);
    const withHistory = new Set(recorded.map((r) => r.type));
    expect(types.filter((t) => !withHistory.has(t))).toEqual([]);
    // A type that is still recorded but no longer exported would strand its running workflows.
    expect([...withHistory].filter((t) => !types.includes(t))).toEqual([]);
  });

  it.each(recorded.map((r) => [relative(HISTORIES, r.file), r] as const))('%s', async (name, { type, file }) => {
    const history = historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe(type);
    const replay = Worker.runReplayHistory({ workflowBundle: bundle }, history, `replay:${relative(HISTORIES, file)}`);
    if (KNOWN_NONDETERMINISTIC[name]) {
      await expect(replay).rejects.toThrow(/Nondeterminism error/);
      return;
    }
    // Throws DeterminismViolationError ("[TMPRL1100] Nondeterminism error: …") when the code drifted.
    await replay;
  });
});
