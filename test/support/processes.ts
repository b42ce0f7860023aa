import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
export const PROJECTOR_MAIN = join(ROOT, 'dist/apps/projector/src/main.js');
/** The api app's entry: the service itself, as `timeline serve` starts it and a deployment runs it. */
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');

/** Builds dist/ once per test file that runs the programs as users do. */
export function buildOnce(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

/** The environment of a child service: the tests' own, minus the services they point at. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, KAFKA_BROKERS: _brokers, NODE_OPTIONS: _options, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'warn', ...extra };
}

/** A program of ours running as a child process, its output kept for failure messages. */
export class ServiceProcess {
  private readonly child: ChildProcess;
  /** The last lines written (stdout and stderr), whole. */
  private readonly lines: string[] = [];
  private partial = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn('node', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      if (this.lines.length > 3_000) this.lines.splice(0, this.lines.length - 3_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return [...this.lines, this.partial].join('\n');
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL, and wait until it is gone. */
  async crash(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.signal('SIGTERM');
    return (await this.exited).code;
  }

  /** Waits until `url` answers 2xx, or fails with the process's output. */
  async waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      if (!this.running) throw new Error(`${this.name} exited before ${url} answered:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms; ${this.name} said:\n${this.log}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }
}

/**
 * The service with these roles: the api app's entry, which `timeline serve`
 * starts as its child. Run directly, so that a signal (SIGKILL above all)
 * reaches the service itself.
 */
export function startServe(name: string, env: NodeJS.ProcessEnv): ServiceProcess {
  return new ServiceProcess(name, [API_MAIN], env);
}

export function freePort(): string {
  return String(20_000 + Math.floor(Math.random() * 20_000));
}
