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

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
});

describe('recorded histories replay against the current workflow code', () => {
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
    // Throws DeterminismViolationError ("[TMPRL1100] Nondeterminism error: …") when the code drifted.
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, `replay:${name}`);
  });
});
