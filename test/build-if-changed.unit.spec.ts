import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `npm start` builds only when an input of the build changed: run on a small tree
 * whose build counts its runs.
 */
describe('build-if-changed', () => {
  const script = resolve(__dirname, '../scripts/build-if-changed.mjs');
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'build-if-changed-'));
    mkdirSync(join(root, 'apps/api/src'), { recursive: true });
    writeFileSync(join(root, 'apps/api/src/main.ts'), 'export const answer = 1;\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tree', private: true, scripts: { build: 'node build.js' } }));
    writeFileSync(
      join(root, 'build.js'),
      "const fs = require('fs'); fs.mkdirSync('dist', { recursive: true }); fs.appendFileSync('dist/runs', 'x'); if (process.env.FAIL_BUILD) process.exit(3);\n",
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [script], { env: { ...process.env, BUILD_ROOT: root, ...env }, encoding: 'utf8' });
  const runs = () => readFileSync(join(root, 'dist/runs'), 'utf8').length;

  it('builds the first time, skips when nothing changed, and builds again when a source or a tsconfig changes', () => {
    expect(run()).toMatchObject({ status: 0, stderr: expect.stringContaining('no earlier build recorded') });
    expect(runs()).toBe(1);
    expect(run()).toMatchObject({ status: 0, stderr: expect.stringContaining('build: up to date') });
    expect(runs()).toBe(1);

    appendFileSync(join(root, 'apps/api/src/main.ts'), 'export const other = 2;\n');
    expect(run()).toMatchObject({ status: 0, stderr: expect.stringContaining('inputs changed') });
    expect(runs()).toBe(2);

    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": {} }\n');
    run();
    expect(runs()).toBe(3);
    run();
    expect(runs()).toBe(3);
  });

  it('passes a failed build on and tries again at the next start', () => {
    expect(run({ FAIL_BUILD: '1' }).status).toBe(3);
    expect(runs()).toBe(1);
    expect(run().status).toBe(0);
    expect(runs()).toBe(2);
  });
});
