import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');

/**
 * `npm start` as a person and as a log collector see it: a short banner first
 * (the page's address, the data set, where the admin key is), then log lines —
 * JSON lines when stdout is not a terminal, pretty ones when it is.
 */
describe('npm start in a terminal and in a pipe', () => {
  beforeAll(() => {
    execFileSync('node', ['scripts/build-if-changed.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }, 300_000);

  const env = (extra: Record<string, string>) => {
    const { DATABASE_URL: _url, KAFKA_BROKERS: _brokers, TIMELINE_BOOTSTRAP_ADMIN_KEY: _key, ...rest } = process.env;
    return { ...rest, LOG_LEVEL: 'info', TIMELINE_SEED: 'belarus-russia-2018-2021', ...extra };
  };

  /** Runs the service until it is ready, asks for one page, stops it with SIGTERM and gives back what it printed. */
  async function served(command: string, args: string[], port: string, dataDir: string): Promise<{ stdout: string; code: number | null }> {
    const child = spawn(command, args, { env: env({ DATA_DIR: dataDir, PORT: port }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (
        !(await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not come up:\n${stdout}\n${stderr}`);
        await new Promise((done) => setTimeout(done, 200));
      }
      expect((await fetch(`http://127.0.0.1:${port}/v1/parties`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    return { stdout, code: await exited };
  }

  const port = () => String(20_000 + Math.floor(Math.random() * 20_000));

  it('prints the banner, then JSON lines, when stdout is a pipe', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'timeline-banner-'));
    const at = port();
    try {
      const { stdout, code } = await served('node', [CLI, 'serve', '--anonymous-reads'], at, dataDir);
      expect(code).toBe(0);
      const [head, ...rest] = stdout.split(/\n\n\n?/);
      expect(head).toContain('negotiation-timeline');
      expect(head).toContain(`page       http://localhost:${at}/`);
      expect(head).toContain('data set   belarus-russia-2018-2021');
      expect(head).toContain(`admin key  ${join(dataDir, 'admin.key')}`);
      expect(existsSync(join(dataDir, 'admin.key'))).toBe(true);
      const lines = rest.join('\n').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual(
        expect.arrayContaining([
          'loaded data set into the empty store',
          'made the first admin key; it is in this file (readable by you only)',
          'listening',
        ]),
      );
      // eslint-disable-next-line no-control-regex -- colour codes are for terminals only
      expect(stdout).not.toMatch(/\x1b\[/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);

  it('prints the banner, then readable lines, when stdout is a terminal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'timeline-banner-tty-'));
    const at = port();
    try {
      // util-linux `script` gives the service a pseudo-terminal as stdout.
      const { stdout } = await served('script', ['-qfec', `node ${CLI} serve --anonymous-reads`, '/dev/null'], at, dataDir);
      expect(stdout).toContain(`page       http://localhost:${at}/`);
      // eslint-disable-next-line no-control-regex -- the colours pino-pretty adds
      const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
      expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: listening \{"url":"http:\/\/localhost:\d+"/m);
      expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: loaded data set into the empty store/m);
      expect(plain).not.toMatch(/^\{"level"/m);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
