// The trivial workflow of bench/ingest.mjs's bare ceiling: per signal, one local activity,
// then wait for the next signal. Bundled by the bench for its in-process worker.
import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export const eventSignal = defineSignal('event');
const { mark } = proxyLocalActivities({ startToCloseTimeout: '10 seconds' });

export async function bareLead() {
  const events = [];
  setHandler(eventSignal, (eventId) => void events.push(eventId));
  for (;;) {
    await condition(() => events.length > 0);
    await mark(events.shift());
  }
}
