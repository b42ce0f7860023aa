import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The api app's entries, as built next to this one in dist/. The CLI starts
 * them as processes of their own, as a deployment would, and never loads
 * their modules: each app wires itself.
 */
export const API_ENTRIES = {
  serve: resolve(__dirname, '../../api/src/main.js'),
  seed: resolve(__dirname, '../../api/src/seed-main.js'),
} as const;

/** How an entry's process ended: its exit code, or the signal that ended it. */
export type Ended = { code: number; signal: null } | { code: null; signal: NodeJS.Signals };

/**
 * Runs one of the api app's entries in a child process that shares this
 * terminal, and resolves when it ends. SIGINT and SIGTERM sent to this
 * process are passed on to it (it drains and stops; the same signal arriving
 * twice, to the process group and passed on, counts once there); messages it
 * sends go to `onMessage`. The child inherits this process's Node options
 * (a heap limit given to `timeline`, for example).
 */
export function runApiEntry(
  entry: keyof typeof API_ENTRIES,
  args: string[],
  env: NodeJS.ProcessEnv,
  onMessage?: (message: unknown) => void,
): Promise<Ended> {
  const file = API_ENTRIES[entry];
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  const child = fork(file, args, { env, stdio: 'inherit' });
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', passOn);
  process.on('SIGTERM', passOn);
  if (onMessage) child.on('message', onMessage);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', passOn);
      process.off('SIGTERM', passOn);
      done(signal ? { code: null, signal } : { code: code ?? 1, signal: null });
    });
  });
}

/** Ends this process as its child ended: with its exit code, or by the same signal. */
export function endAs(ended: Ended): never {
  if (ended.signal) process.kill(process.pid, ended.signal);
  process.exit(ended.code ?? 1);
}
