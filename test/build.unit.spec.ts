import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** What `npm run build` compiles into dist: the service, and nothing written only for tests. */
describe('the build', () => {
  const root = resolve(__dirname, '..');
  const files = execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file.startsWith(root) && !file.includes('/node_modules/'))
    .map((file) => file.slice(root.length + 1));

  it('compiles the apps and libraries', () => {
    expect(files).toEqual(expect.arrayContaining(['apps/cli/src/main.ts', 'libs/domain/src/index.ts']));
  });

  it('leaves test helpers, fixtures and specs out of dist', () => {
    const forTests = files.filter((file) => /\.spec\.ts$|-fixtures\.ts$|\/testing\//.test(file) || file.startsWith('test/'));
    expect(forTests).toEqual([]);
  });
});
