#!/usr/bin/env node
// Top functions by self time in a V8 CPU profile (node --cpu-prof), and the
// same time summed by package, to see where a benchmark's process spends it.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/apps/api/src/main.js   # load it, then stop it
//   node bench/profile-summary.mjs /tmp/prof/CPU.*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length === 0) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]');
  process.exit(2);
}
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map();
  // Samples are node ids; timeDeltas[i] is the time before sample i.
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfMicros.values()].reduce((sum, micros) => sum + micros, 0);

  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const pkg = packageOf(functionName, url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  }
  const print = (title, map, n) => {
    console.log(`\n${title}`);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  print('self time by package', byPackage, 20);
  print('self time by function', byFunction, top);
}

function shorten(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '~/')
    .replace(/^.*\/dist\//, 'dist/');
}

function packageOf(functionName, url) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const match = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) return match[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/dist/'))
    return `ours: ${url
      .replace(/^.*\/dist\//, '')
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  return url;
}
