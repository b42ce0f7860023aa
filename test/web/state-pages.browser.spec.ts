import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, TestBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const COMMITMENTS = 57;

/**
 * The state panel on more than one page of GET /v1/state: the totals of every section, the
 * first page drawn, and "Show more" fetching the next page by its cursor.
 */
describe('the state panel in pages', () => {
  let t: TestApp;
  let base: string;
  let chromium: TestBrowser;
  let page: Page;
  let serving = false;

  beforeAll(async () => {
    execFileSync('node', ['apps/web/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    chromium = await launchChromium();
    t = await startTestApp({ backend: 'postgres', env: { TIMELINE_ANONYMOUS_READS: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    serving = true;
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    // Made-up test data: no real source says this.
    const source = { title: 'Made-up test source: many loans', publisher: 'Test Wire (made up)' };
    let position = '0';
    for (let i = 0; i < COMMITMENTS; i++) {
      const response = await t
        .http()
        .post('/v1/commitments')
        .send({
          kind: 'loan',
          title: `Made-up loan ${String(i).padStart(2, '0')}`,
          by: 'RU',
          to: 'BY',
          status: 'pledged',
          terms: { amount: String(1_000_000 + i), currency: 'USD' },
          effectiveAt: '2021-03-01',
          source,
        })
        .expect(201);
      position = response.body.position;
    }
    await t.http().get('/v1/commitments').query({ minPosition: position, limit: 1 }).expect(200);
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    if (serving) await t?.close();
  });

  beforeEach(async () => {
    page = await chromium.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  });
  afterEach(async () => {
    await page?.context().close();
  });

  it('shows the totals, the first page, and the next page on "Show more", without repeating a row', async () => {
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/state?')) reads.push(request.url());
    });
    await page.goto(`${base}/?asOf=2021-06-30`);
    await page.locator('#state-body[aria-busy="false"] > *').first().waitFor();
    const totals = page.getByTestId('state-totals');
    await expect(totals.locator('[data-total="commitments"]').textContent()).resolves.toBe(`${COMMITMENTS} commitments`);
    await expect(totals.locator('[data-total="parties"]').textContent()).resolves.toBe('2 parties');
    await expect(totals.locator('[data-more="commitments"]').textContent()).resolves.toContain(`Showing 50 of ${COMMITMENTS} commitments`);
    const pledges = page.locator('#state-body [data-section="pledges"]');
    const titles = () => pledges.locator('tbody tr td:first-child button').allTextContents();
    expect(await titles()).toHaveLength(50);
    await expect(pledges.locator('h3 .count').textContent()).resolves.toBe('50');

    await page.getByTestId('show-more-commitments').click();
    await pledges.locator('h3 .count', { hasText: String(COMMITMENTS) }).waitFor();
    const all = await titles();
    expect(all).toHaveLength(COMMITMENTS);
    expect(new Set(all).size).toBe(COMMITMENTS);
    expect([...all].sort()).toEqual(Array.from({ length: COMMITMENTS }, (_, i) => `Made-up loan ${String(i).padStart(2, '0')}`));
    // Everything is loaded: no more button, the totals unchanged.
    await expect(page.getByTestId('show-more-commitments').count()).resolves.toBe(0);
    await expect(totals.locator('[data-total="commitments"]').textContent()).resolves.toBe(`${COMMITMENTS} commitments`);
    // The second read was the first page's next: one section, from its cursor, with the knownAt of the first pinned.
    const more = new URL(reads[reads.length - 1]);
    expect(more.searchParams.get('section')).toBe('commitments');
    expect(more.searchParams.get('cursor')).toEqual(expect.any(String));
    expect(more.searchParams.get('knownAt')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
