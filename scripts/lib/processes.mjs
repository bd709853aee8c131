// Child processes of the local stack: started with their own pid, output prefixed and
// kept, stopped by that pid with SIGTERM (then SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * `detached` puts the child in its own process group, so a Ctrl-C in the terminal reaches
 * only the parent, which then stops its children in order (a supervised stack).
 * `uid`/`gid` run it as another user (the embedded database, started by root).
 * @param {{ name: string, command: string, args: string[], env?: Record<string,string>, cwd?: string, logFile?: string, echo?: boolean, detached?: boolean, uid?: number, gid?: number }} o
 */
export function startProcess({ name, command, args, env = {}, cwd, logFile, echo = true, detached = false, uid, gid }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached, uid, gid });
  const file = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  const listeners = new Set();
  const onData = (chunk) => {
    const text = chunk.toString();
    file?.write(text);
    for (const l of listeners) l(text);
    if (echo) for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('close', () => file?.end());

  return {
    name,
    pid: child.pid,
    exited,
    /** Resolve when `predicate(output so far)` holds; reject if the process exits first. */
    waitFor(predicate, timeoutMs = 60_000, what = 'ready') {
      let seen = '';
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: not ${what} after ${timeoutMs} ms\n${seen.slice(-2000)}`)), timeoutMs);
        const listener = (text) => {
          seen += text;
          if (predicate(seen)) done();
        };
        const done = (err) => {
          clearTimeout(timer);
          listeners.delete(listener);
          err ? reject(err) : resolve();
        };
        listeners.add(listener);
        exited.then(({ code, signal }) => done(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ${what}\n${seen.slice(-2000)}`)));
      });
    },
    async stop(graceMs = 15_000, signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Run a command to completion; reject with its output when it fails. */
export function run(command, args, { env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${out}`))));
  });
}
