import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { acceptLeadUpdate, closeOpportunityUpdate, engagementSignal, leadStateQuery, qualifyLeadUpdate } from '../../libs/contracts/src/lead-workflow';
import { FakeLeadWorld } from '../../test/support/workflow/fake-lead-activities';
import { actor, rep } from '../../test/support/workflow/lead-harness';
it('close race on the dev server', async () => {
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: process.env.CLI! } } });
  await (await import('../../libs/runtime/src/search-attributes')).ensureSearchAttributes(env.connection, 'default');
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src') });
  const world = new FakeLeadWorld(); world.reps = [rep('rep-a')];
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'q', workflowBundle: bundle, activities: world.activities() });
  await worker.runUntil(async () => {
    const h = await env.client.workflow.start('leadWorkflow', { taskQueue: 'q', workflowId: 'lead:x', args: [{ leadId: 'x', capturedAt: new Date().toISOString() }] });
    await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', new Date()));
    for (let i = 0; i < 100 && !(await h.query(leadStateQuery)).ownerId; i++) await new Promise((r) => setTimeout(r, 50));
    await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
    await h.executeUpdate(qualifyLeadUpdate, { args: [{ actor: actor('rep-a'), bant: { budget: true, authority: true, need: true, timeline: true }, amount: 1, expectedCloseAt: new Date(Date.now() + 9e8).toISOString() }] });
    const r = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => h.executeUpdate(closeOpportunityUpdate, { args: [{ actor: actor('rep-a'), won: i % 2 === 0, reason: 'PRICE' }] })));
    console.log('RESULT', r.map((x) => x.status + (x.status === 'rejected' ? ':' + (x as any).reason?.name + '/' + (x as any).reason?.message + '/' + (x as any).reason?.cause?.type : '')).join(' '), world.stages(), world.closedOpportunities);
  });
  await env.teardown();
}, 120000);
