/**
 * Crash points for the fault tests. `TIMELINE_FAILPOINTS=relay.after-send:3` ends this
 * process with SIGKILL the third time the relay reaches that step, so a test can stop a
 * real process exactly between two of its steps (a batch on the topic, its checkpoint not
 * yet saved). Unset, as in production, a failpoint is one map lookup.
 *
 * Steps: `relay.after-send` (batch acknowledged by the broker, checkpoint not saved),
 * `projector.before-commit` (read models changed, transaction not committed),
 * `projector.after-commit` (transaction committed, offset not yet committed to Kafka).
 */
export type Failpoint = 'relay.after-send' | 'projector.before-commit' | 'projector.after-commit';

const FAILPOINT = /^(relay\.after-send|projector\.before-commit|projector\.after-commit):([1-9]\d*)$/;

let armed: Map<string, number> | undefined;
const reached = new Map<string, number>();

export function parseFailpoints(spec: string): Map<string, number> {
  const points = new Map<string, number>();
  for (const item of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = FAILPOINT.exec(item);
    if (!match) throw new Error(`TIMELINE_FAILPOINTS: "${item}" is not <step>:<n> with a known step`);
    points.set(match[1], Number(match[2]));
  }
  return points;
}

export function failpoint(name: Failpoint): void {
  armed ??= parseFailpoints(process.env.TIMELINE_FAILPOINTS ?? '');
  const at = armed.get(name);
  if (at === undefined) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (count === at) {
    process.stderr.write(`failpoint ${name} reached (${count}): killing this process\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
