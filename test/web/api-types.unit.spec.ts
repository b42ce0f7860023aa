import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeApi } from '../../apps/api/src/openapi';

const GENERATOR = join(__dirname, '../../scripts/openapi-types.mjs');
const API_TYPES_FILE = join(__dirname, '../../apps/web/src/api-types.gen.ts');

describe("the web page's API types", () => {
  it('are generated from the OpenAPI document as it is now: run `npm run openapi:types` after changing a DTO', async () => {
    const document = await describeApi();
    const generated = execFileSync(process.execPath, [GENERATOR, '--stdin'], { input: JSON.stringify(document), encoding: 'utf8' });
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed === generated ? 'up to date' : 'stale: run `npm run openapi:types`').toBe('up to date');
  });

  it('describe the JSON of every answer the page reads', async () => {
    const document = await describeApi();
    const read = ['/v1/state', '/v1/timeline', '/v1/timeline/density', '/v1/commitments', '/v1/commitments/{id}'];
    for (const path of read) expect(document.paths[path]?.get?.responses['200']).toHaveProperty(['content', 'application/json', 'schema']);
  });
});
