// Open-loop stepped load for bench/ingest.mjs: at each rate, events are sent at their
// scheduled instants whatever is still outstanding (a closed loop would slow down with the
// system and hide its ceiling). Only the number of outstanding events is capped, to bound
// memory: a send past the cap is shed and counted.
import { setTimeout as sleep } from 'node:timers/promises';
import { summary } from './stats.mjs';

/** What a failure was, in a word: the error's own `kind`, a timeout, a network code or a name. */
export function errorKind(e) {
  if (e?.kind) return e.kind;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'error';
}

/**
 * One step: `fire(record)` for `rate * seconds` events, record i at startedAt + i / rate.
 * `fire` fills `record.acceptedAt` and `record.doneAt` (performance.now()) and may add its own
 * fields; a rejection is the record's error. After the sending window the step waits up to
 * `drainMs` for its events; what is still open then is an error too.
 */
export async function runStep({ rate, seconds, fire, maxInFlight, drainMs }) {
  const records = [];
  const running = [];
  let open = 0;
  let shed = 0;
  const startedAt = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const wait = startedAt + (i * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
    if (open >= maxInFlight) {
      shed++;
      continue;
    }
    const r = { sentAt: performance.now(), acceptedAt: null, doneAt: null, error: null, settled: false };
    records.push(r);
    open++;
    running.push(
      fire(r)
        .catch((e) => (r.error ??= errorKind(e)))
        .finally(() => {
          open--;
          r.settled = true;
        }),
    );
  }
  await Promise.race([Promise.all(running), sleep(drainMs)]);
  for (const r of records) if (!r.settled && !r.error) r.error = r.acceptedAt === null ? 'no answer in time' : 'not done in time';
  return measure({ rate, seconds, startedAt, records, shed });
}

/** Events per second over the step, or over the time until the last one when that is longer. */
function perSecond(records, key, startedAt, seconds) {
  const last = records.reduce((m, r) => Math.max(m, r[key]), startedAt);
  return records.length / Math.max(seconds, (last - startedAt) / 1000);
}

/** The step's figures, taken at once (late settlements do not change them). */
function measure({ rate, seconds, startedAt, records, shed }) {
  const accepted = records.filter((r) => r.acceptedAt !== null);
  const done = records.filter((r) => r.doneAt !== null && !r.error);
  const errors = {};
  for (const r of records) if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
  if (shed) errors['in-flight cap'] = shed;
  return {
    rate,
    seconds,
    sent: records.length + shed,
    accepted: accepted.length,
    achieved: perSecond(accepted, 'acceptedAt', startedAt, seconds),
    completed: perSecond(done, 'doneAt', startedAt, seconds),
    accept: summary(accepted.map((r) => r.acceptedAt - r.sentAt)),
    done: summary(done.map((r) => r.doneAt - r.sentAt)),
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    records,
  };
}

/**
 * Every rate in turn until `stop(step)` says why to stop (after that step). `warmUp` ({ rate,
 * seconds }) runs first and is not reported. `beforeStep` runs before each step, `onStep` sees
 * each step as soon as it is measured.
 */
export async function runSteps({ rates, seconds, fire, maxInFlight, drainMs, stop, beforeStep, onStep, warmUp }) {
  if (warmUp) await runStep({ ...warmUp, fire, maxInFlight, drainMs });
  const steps = [];
  for (const rate of rates) {
    await beforeStep?.();
    const step = await runStep({ rate, seconds, fire, maxInFlight, drainMs });
    step.stopReason = stop(step);
    await onStep?.(step);
    steps.push(step);
    if (step.stopReason) break;
  }
  return steps;
}
