import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { migrate, MIGRATIONS_DIR, openDatabase, PostgresEventStore } from '@timeline/event-store';
import { ReadModel } from '@timeline/projections';
import { seedEntityId } from '@timeline/seeds';
import { newTestEvent } from '../support/events';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const PROJECTOR = join(ROOT, 'dist/apps/projector/src/main.js');
const run = promisify(execFile);

function commitmentRecorded(commitmentId: string) {
  return newTestEvent({
    type: 'CommitmentRecorded',
    effectiveAt: { at: '2021-09-09T00:00:00.000Z', precision: 'day' },
    data: {
      commitmentId,
      kind: 'loan',
      title: 'Loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '630000000', currency: 'USD' },
    },
  });
}

/** The built programs, as users run them. */
describe('the timeline command and the projector process', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }, 180_000);

  const env = (extra: Record<string, string>) => {
    const { DATABASE_URL: _url, KAFKA_BROKERS: _brokers, ...rest } = process.env;
    return { ...rest, LOG_LEVEL: 'warn', ...extra };
  };

  it('runs as `npx timeline`, the way docs/operations.md calls it (the build marks the command executable)', () => {
    expect(statSync(join(ROOT, 'dist/apps/cli/src/main.js')).mode & 0o111).toBe(0o111);
    const help = execFileSync('npx', ['timeline', '--help'], { cwd: ROOT, encoding: 'utf8', env: env({}) });
    expect(help).toMatch(/^Usage: timeline /);
  });

  it('migrates, then rebuilds the read models of an embedded store with a progress report', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'timeline-cli-'));
    try {
      const first = await run('node', [CLI, 'migrate'], { env: env({ DATA_DIR: dataDir }) });
      const migrations = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).length;
      expect(first.stdout).toContain(`applied ${migrations} migration(s)`);
      const second = await run('node', [CLI, 'migrate'], { env: env({ DATA_DIR: dataDir }) });
      expect(second.stdout).toMatch(/schema is up to date/);

      // Keys, straight in the embedded store: the secret once on stdout, a hash in the table.
      const created = await run('node', [CLI, 'keys', 'create', '--owner', 'a.analyst@example.org', '--role', 'editor'], {
        env: env({ DATA_DIR: dataDir }),
      });
      const key = created.stdout.trim();
      expect(key).toMatch(/^ntk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const keyId = key.slice(4, 20);
      expect(created.stderr).toContain(`made key ${keyId} for a.analyst@example.org (editor)`);
      const listed = await run('node', [CLI, 'keys', 'list', '--json'], { env: env({ DATA_DIR: dataDir }) });
      expect(JSON.parse(listed.stdout)).toEqual([
        expect.objectContaining({ id: keyId, owner: 'a.analyst@example.org', role: 'editor', revokedAt: null }),
      ]);
      expect(listed.stdout).not.toContain(key.slice(21));
      const revoked = await run('node', [CLI, 'keys', 'revoke', keyId], { env: env({ DATA_DIR: dataDir }) });
      expect(revoked.stdout).toMatch(new RegExp(`revoked key ${keyId} of a.analyst@example.org`));
      const badRole = await run('node', [CLI, 'keys', 'create', '--owner', 'x', '--role', 'root'], {
        env: env({ DATA_DIR: dataDir }),
      }).catch((error) => error);
      expect(badRole.code).toBe(1);
      expect(badRole.stderr).toMatch(/--role must be one of reader, editor, admin/);

      const db = await openDatabase({ dataDir });
      await migrate(db);
      const store = new PostgresEventStore(db.pool);
      const ids = ['0190f5a8-0000-7000-8000-000000000001', '0190f5a8-0000-7000-8000-000000000002'];
      for (const id of ids) {
        await store.append({
          streamId: `commitment-${id}`,
          streamType: 'commitment',
          expectedVersion: 'no_stream',
          events: [commitmentRecorded(id)],
        });
      }
      await db.close();

      const rebuilt = await run('node', [CLI, 'rebuild'], { env: env({ DATA_DIR: dataDir }) });
      expect(rebuilt.stdout).toMatch(/rebuilt 2 events from the table into generation 1 in/);
      expect(rebuilt.stdout).toMatch(/phases: loading .* s, deriving .* s, indexing .* s, switching .* s; cpu .* s; peak RSS \d+ MB/);
      expect(rebuilt.stdout + rebuilt.stderr).toMatch(/events\/s/);

      const again = await openDatabase({ dataDir });
      const views = await new ReadModel(again.pool).commitments('2022-01-01T00:00:00Z', new Date().toISOString());
      await again.close();
      expect(views.map((view) => view.id).sort()).toEqual(ids);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('serves the embedded default with the seed data loaded (timeline serve, as npm start but through the CLI), and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'timeline-serve-'));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    // The CLI starts the api app's entry as its child and passes SIGTERM on; at info level, so that every request is logged.
    const child = spawn('node', [CLI, 'serve', '--anonymous-reads'], {
      env: env({ DATA_DIR: dataDir, PORT: port, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not come up:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const response = await fetch(`http://127.0.0.1:${port}/v1/commitments?asOf=2021-09-30&party=BY&status=pledged&minPosition=1`);
      const answer = (await response.json()) as { count: number; items: { title: string }[] };
      expect(answer.count).toBeGreaterThan(0);
      expect(answer.items.map((item: { title: string }) => item.title).join(' ')).toMatch(/loan/i);

      // The read commands, as clients of the running service.
      const url = `http://127.0.0.1:${port}`;
      const loanId = seedEntityId('loan-600m');
      const history = await run('node', [CLI, 'history', loanId, '--url', url], { env: env({}) });
      expect(history.stdout).toMatch(/CommitmentRecorded/);
      // Belsat's about $630m is a competing claim beside the article's $600m, not a correction.
      expect(history.stdout).toMatch(/ClaimRecorded/);
      expect(history.stdout).toMatch(/630m/);
      const json = JSON.parse((await run('node', [CLI, 'history', loanId, '--url', url, '--json'], { env: env({}) })).stdout);
      expect(json.map((version: { type: string }) => version.type)).toEqual(['CommitmentRecorded', 'ClaimRecorded']);
      const state = await run('node', [CLI, 'state', '--as-of', '2021-09-30', '--url', url], { env: env({}) });
      expect(state.stdout).toMatch(/Russian loan to Belarus/);
      expect(state.stdout).toMatch(/^parties: \d+, tracks: \d+, commitments: \d+, deployments: \d+$/m);
      // eslint-disable-next-line no-control-regex -- the escape that starts a colour code is what must be absent
      expect(state.stdout).not.toMatch(/\x1b\[/);
      expect(state.stdout).toMatch(/600000000 USD/);
      expect(state.stdout).toMatch(/terms\.amount, sources disagree \(current: the latest published\)/);
      expect(state.stdout).toMatch(/ {3}630000000 — Belsat: .*published 2021-09-09\/2021-09-16 \(paraphrase\)/);
      expect(state.stdout).toMatch(/ {2}\* 600000000 — Analysis of the Belarus–Russia Union Programs/);
      expect(state.stdout).toMatch(
        /Sukhoi Su-30SM multirole fighter aircraft — also reported by: TASS; Belsat: Su-30SM jets arrive at Baranovichi/,
      );
      // Paged two items at a time, the state is the same as in pages of a thousand: every item of every section, once.
      const knownAt = new Date().toISOString();
      const stateJson = async (...extra: string[]) =>
        run('node', [CLI, 'state', '--as-of', '2021-09-30', '--known-at', knownAt, '--json', '--url', url, ...extra], { env: env({}) });
      const whole = JSON.parse((await stateJson()).stdout);
      const paged = await stateJson('--page-size', '2');
      expect(JSON.parse(paged.stdout)).toEqual(whole);
      const idFields = { parties: 'partyId', tracks: 'trackId', commitments: 'id', deployments: 'deploymentId' } as const;
      for (const [name, field] of Object.entries(idFields)) {
        expect(whole[name].items.length).toBe(whole[name].total);
        expect(new Set(whole[name].items.map((item: Record<string, string>) => item[field])).size).toBe(whole[name].total);
      }
      expect(whole.commitments.total).toBeGreaterThan(2);
      expect(paged.stderr).toContain(`commitments: ${whole.commitments.total} of ${whole.commitments.total}`);
      expect(paged.stderr).toMatch(/^commitments: 2 of \d+$/m);
      const early = await run('node', [CLI, 'state', '--as-of', '2021-09-30', '--reported-by', '2021-09-08', '--url', url], {
        env: env({}),
      });
      expect(early.stdout).toMatch(/as reported by 2021-09-08T23:59:59.999Z/);
      expect(early.stdout).not.toMatch(/Russian loan to Belarus until the end of 2022/);
      const badReported = await run('node', [CLI, 'state', '--reported-by', 'soon', '--url', url], { env: env({}) }).catch(
        (error) => error,
      );
      expect(badReported.code).toBe(1);
      expect(badReported.stderr).toMatch(/reportedBy/);
      const csv = await run('node', [CLI, 'export', 'commitments', '--as-of', '2021-09-30', '--url', url], { env: env({}) });
      expect(csv.stdout.split('\n')[0]).toMatch(/^id,title,kind,by,to,status,pledged/);
      expect(csv.stdout).toContain(loanId);
      const tail = spawn('node', [CLI, 'tail', '--from', '0', '--types', 'PartyRegistered', '--url', url], { env: env({}) });
      let tailed = '';
      tail.stdout.on('data', (chunk) => (tailed += chunk));
      const tailDeadline = Date.now() + 20_000;
      while (tailed.split('\n').filter(Boolean).length < 6 && Date.now() < tailDeadline) await new Promise((done) => setTimeout(done, 100));
      tail.kill('SIGTERM');
      const lines = tailed.split('\n').filter(Boolean);
      expect(lines.length).toBe(6);
      for (const line of lines) expect(line.split('\t')[2]).toBe('PartyRegistered');
      expect(lines.map((line) => line.split('\t')[3])).toEqual(expect.arrayContaining(['party-BY', 'party-RU']));

      const bad = await run('node', [CLI, 'state', '--as-of', '2021-13', '--url', url], { env: env({}) }).catch((error) => error);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/asOf/);

      // The first start made an admin key, readable by its owner only; the log names the file, never the key.
      const keyFile = join(dataDir, 'admin.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const adminKey = readFileSync(keyFile, 'utf8').trim();
      expect(output).toContain(keyFile);
      const party = { partyId: 'KZ', name: 'Kazakhstan', kind: 'state', effectiveAt: '1991-12-16', source: { title: 'Independence' } };
      const post = (headers: Record<string, string>) =>
        fetch(`${url}/v1/parties`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(party),
        });
      expect((await post({})).status).toBe(401);
      const written = await post({ authorization: `Bearer ${adminKey}` });
      expect(written.status).toBe(201);
      const made = await fetch(`${url}/v1/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ owner: 'an editor', role: 'editor' }),
      });
      const editorKey = ((await made.json()) as { key: string }).key;
      expect((await fetch(`${url}/v1/audit?actor=admin`, { headers: { authorization: `Bearer ${editorKey}` } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(output).toMatch(/"url":"\/v1\/keys"/);
      for (const secret of [adminKey, editorKey]) {
        expect(output).not.toContain(secret.slice(21));
      }
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  }, 120_000);

  it('refuses to start on invalid configuration, naming every variable at fault', async () => {
    const failed = await run('node', [CLI, 'serve'], { env: env({ PORT: 'eighty', TIMELINE_ROLES: 'api,cook' }) }).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/PORT="eighty"/);
    expect(failed.stderr).toMatch(/unknown role "cook"/);
  });

  it('takes a signal repeated within a second as the same request to stop, and a later one as a request to stop at once', async () => {
    // A process waiting as the service waits: it says when it starts to stop, then takes its time draining.
    const script = `
      const { waitForSignal } = require(${JSON.stringify(join(ROOT, 'dist/libs/runtime/src/process.js'))});
      waitForSignal().then(() => { console.log('draining'); setTimeout(() => { console.log('drained'); process.exit(0); }, 3000); });
      setInterval(() => undefined, 1000); // work in hand, as the service's server is
      console.log('waiting');`;
    const start = () => {
      const child = spawn('node', ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      // 'close': the exit code, once its output has been read to the end.
      const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      return { child, exited, output: () => output };
    };
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!condition() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    };

    // Ctrl-C reaching the process group and `timeline serve` passing it on: one drain, exit 0.
    const twice = start();
    await until(() => twice.output().includes('waiting'));
    twice.child.kill('SIGINT');
    twice.child.kill('SIGINT');
    expect(await twice.exited).toBe(0);
    expect(twice.output()).toMatch(/draining\s+drained/);

    // A second Ctrl-C 1.5 s into the drain: it stops at once, without finishing it.
    const impatient = start();
    await until(() => impatient.output().includes('waiting'));
    impatient.child.kill('SIGINT');
    await until(() => impatient.output().includes('draining'));
    await new Promise((done) => setTimeout(done, 1_500));
    impatient.child.kill('SIGINT');
    expect(await impatient.exited).toBe(130);
    expect(impatient.output()).toMatch(/SIGINT again: stopping without draining/);
    expect(impatient.output()).not.toMatch(/drained/);
  }, 60_000);

  describe('the projector process on PostgreSQL', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase('postgres');
    });
    afterAll(() => testDb.dispose());

    it('loads a data set with `timeline seed` through the api app in a child process; the second load adds nothing', async () => {
      const seedEnv = env({ DATABASE_URL: testDb.db.connectionString, DATABASE_SCHEMA: testDb.db.schema });
      const first = await run('node', [CLI, 'seed', 'belarus-russia-2018-2021'], { env: seedEnv });
      const [, entries, recorded, already] =
        /^belarus-russia-2018-2021: (\d+) entries, (\d+) recorded, (\d+) already there$/m.exec(first.stdout) ?? [];
      expect(Number(entries)).toBeGreaterThan(50);
      expect({ recorded: Number(recorded), already: Number(already) }).toEqual({ recorded: Number(entries), already: 0 });
      const events = async () => Number((await testDb.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows[0].n);
      const stored = await events();
      expect(stored).toBeGreaterThanOrEqual(Number(entries));
      const second = await run('node', [CLI, 'seed', 'belarus-russia-2018-2021'], { env: seedEnv });
      expect(second.stdout).toMatch(
        new RegExp(`^belarus-russia-2018-2021: ${entries} entries, 0 recorded, ${entries} already there$`, 'm'),
      );
      expect(await events()).toBe(stored);
      const missing = await run('node', [CLI, 'seed', 'no-such-set'], { env: seedEnv }).catch((error) => error);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/no-such-set/);
      expect(await events()).toBe(stored);
    }, 120_000);

    it('`timeline serve` runs the service as its child, which stops when the command is killed outright', async () => {
      const port = String(20_000 + Math.floor(Math.random() * 20_000));
      const launcher = spawn('node', [CLI, 'serve', '--port', port], {
        env: env({
          DATABASE_URL: testDb.db.connectionString,
          DATABASE_SCHEMA: testDb.db.schema,
          TIMELINE_ROLES: 'api',
          TIMELINE_SEED: 'none',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      launcher.stdout.on('data', (chunk) => (output += chunk));
      launcher.stderr.on('data', (chunk) => (output += chunk));
      // Running, not a zombie waiting for a parent to reap it.
      const alive = (pid: number) => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
        } catch {
          return false;
        }
      };
      const answers = () =>
        fetch(`http://127.0.0.1:${port}/health/live`).then(
          (r) => r.ok,
          () => false,
        );
      let service = 0;
      try {
        const deadline = Date.now() + 60_000;
        while (!(await answers())) {
          if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`did not come up:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(launcher.pid)], { encoding: 'utf8' })
          .trim()
          .split('\n');
        expect(children).toHaveLength(1);
        expect(children[0]).toMatch(/dist\/apps\/api\/src\/main\.js/);
        service = Number(children[0].trim().split(/\s+/)[0]);
        launcher.kill('SIGKILL');
        const gone = Date.now() + 30_000;
        while (alive(service) && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(alive(service)).toBe(false);
        expect(await answers()).toBe(false);
      } finally {
        launcher.kill('SIGKILL');
        if (service && alive(service)) process.kill(service, 'SIGKILL');
      }
    }, 90_000);

    it('projects new events and stops cleanly on SIGTERM', async () => {
      const child = spawn('node', [PROJECTOR], {
        env: env({ DATABASE_URL: testDb.db.connectionString, DATABASE_SCHEMA: testDb.db.schema }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const store = new PostgresEventStore(testDb.db.pool);
        const id = '0190f5a8-0000-7000-8000-0000000000aa';
        const appended = await store.append({
          streamId: `commitment-${id}`,
          streamType: 'commitment',
          expectedVersion: 'no_stream',
          events: [commitmentRecorded(id)],
        });
        const readModel = new ReadModel(testDb.db.pool);
        const deadline = Date.now() + 30_000;
        while (!(await readModel.hasProjected(appended.position).catch(() => false))) {
          if (Date.now() > deadline) throw new Error(`not projected; projector said:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect((await readModel.commitment(id, '2022-01-01T00:00:00Z', new Date().toISOString()))?.pledged).toBe('630000000');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    }, 60_000);
  });
});
