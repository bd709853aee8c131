// CPU use of the processes of a bench run, from /proc (Linux): how much of the machine each
// one took during a step. Figures only; elsewhere the sampler reports nothing.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of `pid` in ticks, 0 when it is gone. */
function ticksOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The pids of every process named `comm` (e.g. all PostgreSQL backends). */
function pidsNamed(comm) {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d) && readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm);
  } catch {
    return [];
  }
}

/**
 * `groups`: name -> () => pid(s), or { comm } for every process of that name. `start()`, then
 * `stop()` gives each group's CPU in % of one core over the interval, and the load average. A
 * process that appeared meanwhile counts whole, one that went away not at all.
 */
export function cpuSampler(groups) {
  const pidsOf = (g) => {
    const v = g();
    return v?.comm ? pidsNamed(v.comm) : [v].flat().filter(Boolean);
  };
  const take = () => ({ at: performance.now(), ticks: Object.fromEntries(Object.entries(groups).map(([name, g]) => [name, new Map(pidsOf(g).map((pid) => [String(pid), ticksOf(pid)]))])) });
  let first = take();
  const used = (before, after) => [...after].reduce((sum, [pid, t]) => sum + t - (before.get(pid) ?? 0), 0);
  return {
    start: () => void (first = take()),
    stop: () => {
      const last = take();
      const seconds = (last.at - first.at) / 1000;
      const pct = Object.fromEntries(Object.keys(groups).map((name) => [name, Math.round((100 * used(first.ticks[name], last.ticks[name])) / TICKS_PER_SECOND / seconds)]));
      return { ...pct, load1: Number(os.loadavg()[0].toFixed(1)) };
    },
  };
}
