#!/usr/bin/env node
// `npm start` builds only when something the build reads has changed since the last build.
//
// The build's inputs (the TypeScript of apps/ and libs/, the page's sources, the tsconfigs,
// package.json and the lock file) are hashed; the hash of the last successful build is kept in
// dist/.build-inputs. Same hash and dist in place: nothing to do. Otherwise `npm run build`
// runs and, when it succeeds, the new hash is written. A failed build leaves no hash behind, so
// the next start tries again.
//
// BUILD_ROOT points it at another tree (the tests use a small one).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.BUILD_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'dist', '.build-inputs');
const INPUT_DIRS = ['apps', 'libs'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.cache']);

function* filesUnder(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* filesUnder(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

function inputsHash() {
  const hash = createHash('sha256');
  const files = [
    ...INPUT_DIRS.flatMap((dir) => [...filesUnder(join(root, dir))]),
    ...INPUT_FILES.map((file) => join(root, file)).filter((file) => existsSync(file) && statSync(file).isFile()),
  ];
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return { digest: hash.digest('hex'), files: files.length };
}

const { digest, files } = inputsHash();
const previous = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : undefined;
if (previous === digest) {
  process.stderr.write(`build: up to date (${files} input files unchanged since the last build)\n`);
  process.exit(0);
}
process.stderr.write(previous ? 'build: inputs changed since the last build; building\n' : 'build: no earlier build recorded; building\n');
const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
writeFileSync(stampFile, `${digest}\n`);
