import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { SeedLoader } from '../../apps/api/src/seeds/seed-loader';
import { seedEmptyStore } from '../../apps/api/src/serve';
import { launchChromium, TestBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/**
 * The web page at `/`, in Debian's Chromium, against the whole service on the
 * real PostgreSQL with the Belarus–Russia data set loaded.
 */
describe('the web page', () => {
  let t: TestApp;
  let base: string;
  let chromium: TestBrowser;
  let page: Page;
  let serving = false;

  beforeAll(async () => {
    execFileSync('node', ['apps/web/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    chromium = await launchChromium();
    t = await startTestApp({
      backend: 'postgres',
      env: { TIMELINE_SEED: 'belarus-russia-2018-2021', SSE_HEARTBEAT_MS: '1000', TIMELINE_ANONYMOUS_READS: 'true' },
    });
    await seedEmptyStore(t.app.get(SeedLoader), t.runtime, () => undefined);
    await t.app.listen(0, '127.0.0.1');
    serving = true;
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await projected(await t.runtime.store.headPosition());
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    if (serving) await t?.close();
  });

  beforeEach(async () => {
    page = await chromium.browser.newPage({ viewport: { width: 1366, height: 768 } });
    // What the page says in its console goes into the test's output when it fails.
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  });

  afterEach(async () => {
    await page?.context().close();
  });

  /** Waits until the read models hold every event up to `position` (the API's read-your-writes). */
  async function projected(position: string): Promise<void> {
    for (let tries = 0; ; tries++) {
      const response = await fetch(`${base}/v1/timeline?limit=1&minPosition=${position}`);
      if (response.ok) return;
      if (tries > 30) throw new Error(`the read models did not reach position ${position}: ${response.status}`);
    }
  }

  const section = (name: string) => page.locator(`#state-body [data-section="${name}"]`);
  const count = async (name: string) => Number(await section(name).locator('h3 .count').textContent());

  async function open(query = ''): Promise<void> {
    await page.goto(`${base}/${query}`);
    await page.locator('#state-body[aria-busy="false"] > *').first().waitFor();
  }

  /** Sets the slider as a hand would leave it: the value, then its input event. */
  async function slideTo(day: string): Promise<void> {
    const start = await page.locator('#as-of-slider').getAttribute('data-start');
    const index = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
    await page.locator('#as-of-slider').fill(String(index));
    await page.waitForURL(new RegExp(`asOf=${day}`));
    await page.locator('#state-caption', { hasText: formatted(day) }).waitFor();
  }

  const formatted = (day: string) =>
    new Date(`${day}T00:00:00Z`)
      .toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
      .replace('Sept', 'Sep');

  it('is served at / beside the API, whose paths answer as before', async () => {
    const html = await fetch(`${base}/`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<script defer src="/app.js"></script>');
    expect((await fetch(`${base}/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    const missing = await fetch(`${base}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('shows pledges, demands, programmes and deployments change as the slider moves through 2021', async () => {
    await open('?asOf=2021-03-31');
    // Only the gas at Russian domestic prices, "long sought" by Lukashenka: dated some time from 2008 to September 2021.
    expect(await count('demands')).toBe(1);
    await expect(section('demands').textContent()).resolves.toContain('Gas imports at Russian domestic prices');
    expect(await count('deployments')).toBe(2);
    await expect(section('pledges').textContent()).resolves.not.toContain('Russian loan to Belarus until the end of 2022');
    await expect(section('programmes').textContent()).resolves.not.toContain('28 Union Programs');

    await slideTo('2021-10-01');
    expect(page.url()).toContain('asOf=2021-10-01');
    expect(await count('demands')).toBe(3);
    // The Su-30SM jets, reported by several sources, are one deployment.
    expect(await count('deployments')).toBe(3);
    await expect(section('deployments').locator('tr', { hasText: 'Su-30SM' }).count()).resolves.toBe(1);
    const loan = section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    // The article's $600m is current (the latest published); Belsat's about $630m is a competing claim, not a correction.
    await expect(loan.locator('[data-figure-of="terms.amount"] .figure-text').first().textContent()).resolves.toBe('$600m');
    await expect(loan.locator('.change').textContent()).resolves.toBe('new');
    // The $600m sits beside the source that says $600m: the article, quoted, and the disagreement is marked.
    const amountSource = loan.locator('[data-source-of="terms.amount"]');
    await expect(amountSource.locator('summary').textContent()).resolves.toMatch(
      /^Analysis of the Belarus–Russia Union Programs.*2 sources disagree$/,
    );
    await expect(amountSource.textContent()).resolves.not.toContain('(correction)');
    await expect(amountSource.getAttribute('title')).resolves.toContain('pledging only a $600m loan');
    await expect(section('programmes').locator('.status-signed').textContent()).resolves.toContain('28 Union Programs');
    await expect(section('programmes').locator('.status-dropped').textContent()).resolves.toContain('31st Union Program');

    // The keyboard moves the slider a day at a time.
    await page.locator('#as-of-slider').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/asOf=2021-10-02/);
    await expect(page.locator('#as-of').inputValue()).resolves.toBe('2021-10-02');
  });

  it('opens a commitment history with its field changes, sources and the competing claim marked', async () => {
    await open('?asOf=2021-10-01');
    const button = section('pledges').getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' });
    await button.click();
    const drawer = page.getByRole('dialog', { name: 'Russian loan to Belarus until the end of 2022' });
    await drawer.waitFor();
    expect(page.url()).toMatch(/commitment=[0-9a-f-]{36}/);

    // The article's record, with its own words quoted and its $600m.
    const first = drawer.locator('li.version').first();
    await expect(first.locator('blockquote').textContent()).resolves.toContain('pledging only a $600m loan');
    await expect(first.locator('tr[data-path="terms.amount"] td.to').textContent()).resolves.toBe('$600m');
    // Belsat's about $630m is a competing claim on the amount, not a correction of it.
    const claim = drawer.locator('li.version.is-claim');
    await expect(claim.count()).resolves.toBe(1);
    await expect(claim.locator('.mark.claim').textContent()).resolves.toBe('Competing claim');
    await expect(claim.locator('p.fixes').textContent()).resolves.toMatch(/^Another source gives another value \(Amount\) of event /);
    await expect(drawer.locator('li.version.is-correction').count()).resolves.toBe(0);
    await expect(drawer.locator('.mark.corrected').count()).resolves.toBe(0);
    // Belsat is known only in our words: labelled a paraphrase, never a blockquote or in quotation marks.
    await expect(claim.locator('.paraphrase').textContent()).resolves.toContain('about $630m in loans to end-2022');
    await expect(claim.locator('.paraphrase').textContent()).resolves.toMatch(/^Paraphrase, not the source’s words: [^“”"]+$/);
    await expect(claim.locator('blockquote').count()).resolves.toBe(0);
    await expect(claim.locator('figcaption').textContent()).resolves.toMatch(
      /— Belsat, published 2021-09-09 to 2021-09-16 \(our estimate\)/,
    );

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(page.url()).not.toContain('commitment=');
    await expect(button.evaluate((element) => element === element.ownerDocument.activeElement)).resolves.toBe(true);

    // The drawer is part of the view: a shared URL opens it.
    const id = (await button.getAttribute('data-commitment'))!;
    await open(`?asOf=2021-10-01&commitment=${id}`);
    await drawer.locator('li.version.is-claim').waitFor();
  });

  it('shows at a glance where sources disagree, every claim with its source, and who else reported a fact', async () => {
    await open('?asOf=2021-10-01');
    const loan = section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    const figure = loan.locator('details.figure[data-figure-of="terms.amount"]').first();
    await expect(figure.locator('summary .figure-text').textContent()).resolves.toBe('$600m');
    await expect(figure.locator('summary .disagree-mark').textContent()).resolves.toBe('2 sources disagree');
    await figure.locator('summary').click();
    const claims = figure.locator('ol.claims > li.claim');
    await expect(claims.count()).resolves.toBe(2);
    // Earliest published first: Belsat's $630m, in our words, not current.
    const belsat = claims.nth(0);
    await expect(belsat.locator('.claim-value').textContent()).resolves.toBe('$630m');
    await expect(belsat.locator('.claim-head').textContent()).resolves.toContain('— Belsat');
    await expect(belsat.locator('.claim-not-current').textContent()).resolves.toBe('not current');
    await expect(belsat.locator('.paraphrase').textContent()).resolves.toBe(
      'Paraphrase, not the source’s words: about $630m in loans to end-2022',
    );
    await expect(belsat.locator('blockquote').count()).resolves.toBe(0);
    await expect(belsat.locator('figcaption').textContent()).resolves.toContain('published 2021-09-09 to 2021-09-16 (our estimate)');
    // Then the article's $600m, quoted, current as the latest published.
    const article = claims.nth(1);
    await expect(article.getAttribute('class')).resolves.toContain('is-current');
    await expect(article.locator('.claim-value').textContent()).resolves.toBe('$600m');
    await expect(article.locator('.claim-current').textContent()).resolves.toBe('current: the latest published (2021-09-10/2021-09-30)');
    await expect(article.locator('blockquote').textContent()).resolves.toContain('pledging only a $600m loan');
    await expect(article.locator('figcaption').textContent()).resolves.toMatch(
      /^Analysis of the Belarus–Russia Union Programs.*published 2021-09-10 to 2021-09-30 \(our estimate\)$/,
    );

    // The Su-30SM jets: one deployment, confirmed by a second source, its start disputed.
    const jets = section('deployments').locator('tr', { hasText: 'Su-30SM' });
    await expect(jets.count()).resolves.toBe(1);
    const asset = jets.locator('[data-source-of="asset"]');
    await asset.locator('summary').click();
    await expect(asset.locator('.corroborated > .label').textContent()).resolves.toMatch(/^Also reported by .+:$/);
    await expect(asset.locator('.corroborated figcaption').textContent()).resolves.toContain('Su-30SM jets arrive at Baranovichi');
    const since = jets.locator('[data-source-of="effectiveAt"]');
    await expect(since.locator('summary .disagree-mark').textContent()).resolves.toBe('2 sources disagree');
    await since.locator('summary').click();
    await expect(since.locator('li.claim .claim-value').allTextContents()).resolves.toEqual(['8 Sep 2021', '2021 to Sep 2021']);
    // The gas price pledge, confirmed by Belsat.
    const price = section('prices').locator('tr', { hasText: 'Gas price for Belarus kept low for the next two years' });
    await price.locator('[data-source-of="terms.amount"] summary').click();
    await expect(price.locator('[data-source-of="terms.amount"] .corroborated > .label').textContent()).resolves.toBe(
      'Also reported by Belsat:',
    );
  });

  it('shows what the sources had published by a date: reportedBy, kept in the URL and sent with every read', async () => {
    const reads: string[] = [];
    page.on('request', (request) => {
      if (/\/v1\/(state|timeline|commitments)/.test(request.url())) reads.push(request.url());
    });
    const loan = () => section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    // By 8 September 2021 no source of the 2021 loan had appeared (Belsat from the 9th, the article from the 10th).
    await open('?asOf=2021-09-30&reportedBy=2021-09-08');
    await expect(page.locator('#reported-by').inputValue()).resolves.toBe('2021-09-08');
    await expect(page.locator('#state-caption').textContent()).resolves.toContain('as reported by 8 Sep 2021');
    await expect(section('pledges').textContent()).resolves.not.toContain('Russian loan to Belarus until the end of 2022');
    expect(await count('pledges')).toBeGreaterThan(0);
    await page.locator('.vis-item').first().waitFor();
    await expect(page.locator('.vis-item', { hasText: 'Russian loan to Belarus until the end of 2022' }).count()).resolves.toBe(0);
    expect(reads.some((read) => read.includes('/v1/state?') && read.includes('reportedBy=2021-09-08'))).toBe(true);
    expect(reads.some((read) => read.includes('/v1/timeline?') && read.includes('reportedBy=2021-09-08'))).toBe(true);

    // By the 9th, Belsat's about $630m alone.
    await page.locator('#reported-by').fill('2021-09-09');
    await page.waitForURL(/reportedBy=2021-09-09/);
    await expect(loan().locator('[data-figure-of="terms.amount"] .figure-text').first().textContent()).resolves.toBe('$630m');
    // By the 30th, the article too: its $600m is current, and the two disagree.
    await page.locator('#reported-by').fill('2021-09-30');
    await page.waitForURL(/reportedBy=2021-09-30/);
    await loan().locator('.disagree-mark').first().waitFor();
    await expect(loan().locator('[data-figure-of="terms.amount"] .figure-text').first().textContent()).resolves.toBe('$600m');
    // On the line, the loan is marked: its sources disagree.
    await page.locator('.vis-item.disputed', { hasText: 'Russian loan to Belarus until the end of 2022' }).first().waitFor();
    // The drawer reads the history and the commitment on the same axis.
    await loan().getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
    await page.getByRole('dialog', { name: 'Russian loan to Belarus until the end of 2022' }).locator('li.version').first().waitFor();
    expect(reads.some((read) => /\/v1\/commitments\/[0-9a-f-]+\/history\?reportedBy=2021-09-30/.test(read))).toBe(true);
    expect(reads.some((read) => /\/v1\/commitments\/[0-9a-f-]+\?.*reportedBy=2021-09-30/.test(read))).toBe(true);

    // "Any" clears it: every source again.
    await page.keyboard.press('Escape');
    await page.locator('#reported-by-any').click();
    await page.waitForURL((url) => !url.search.includes('reportedBy'));
    await expect(page.locator('#reported-by').inputValue()).resolves.toBe('');

    // The comparison is asked on the same axis: by 8 September the loan is not among what was added since August (its date is known to the month, September 2021).
    const added = page.locator('#compare-body [data-compare="added"]');
    await page.goto(`${base}/?asOf=2021-09-30&reportedBy=2021-09-08&panel=compare&from=2021-08-31&to=2021-09-30`);
    await page.locator('#compare-caption', { hasText: 'as reported by 8 Sep 2021' }).waitFor();
    await expect(added.textContent()).resolves.not.toContain('Russian loan to Belarus until the end of 2022');
    await page.goto(`${base}/?asOf=2021-09-30&reportedBy=2021-09-30&panel=compare&from=2021-08-31&to=2021-09-30`);
    await page.locator('#compare-caption', { hasText: 'as reported by 30 Sep 2021' }).waitFor();
    await expect(added.locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' }).textContent()).resolves.toContain(
      '$600m',
    );
  });

  it("links a deployment's count to the source that gives it", async () => {
    // Made-up test data: no real source says this.
    const response = await fetch(`${base}/v1/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({
        asset: 'Made-up test aircraft',
        quantity: '4',
        unit: 'aircraft',
        place: 'Made-up test airfield',
        by: 'RU',
        host: 'BY',
        effectiveAt: '2021-09-20',
        source: { title: 'Made-up test source: a deployment count', paraphrase: 'four aircraft (made up)' },
      }),
    });
    expect(response.status).toBe(201);
    await open('?asOf=2021-10-01');
    const row = section('deployments').locator('tr', { hasText: 'Made-up test aircraft' });
    const count = row.locator('[data-figure-of="quantity"]');
    await expect(count.locator('summary').textContent()).resolves.toBe('4 aircraft');
    await expect(count.getAttribute('title')).resolves.toContain('Made-up test source: a deployment count');
    await count.locator('summary').click();
    await expect(count.textContent()).resolves.toContain('four aircraft (made up)');
  });

  it('shows a newly written event live, without reloading', async () => {
    await open('?asOf=2021-10-01');
    await page.locator('#live[data-status="live"]').waitFor();
    await page.evaluate('window.notReloaded = true');

    const response = await fetch(`${base}/v1/commitments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({
        kind: 'loan',
        title: 'Bridge loan written during the browser test',
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        effectiveAt: '2021-09-20',
        terms: { amount: '250000000', currency: 'USD' },
        source: { title: 'A test source', quote: 'a bridge loan' },
      }),
    });
    expect(response.status).toBe(201);

    await page.locator('#new-events', { hasText: '1 new' }).waitFor();
    await page.locator('.vis-item.is-new', { hasText: 'Bridge loan written during the browser test' }).waitFor();
    const row = section('pledges').locator('tr', { hasText: 'Bridge loan written during the browser test' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('$250m');
    await expect(page.evaluate('window.notReloaded')).resolves.toBe(true);

    await page.locator('#new-events').click();
    await page
      .locator('#new-list')
      .getByRole('button', { name: /Bridge loan written during the browser test/ })
      .click();
    await page.getByRole('dialog', { name: 'Bridge loan written during the browser test' }).waitFor();
  });

  it('resumes the stream with Last-Event-ID after the connection drops, missing no event', async () => {
    const streamRequests: Record<string, string>[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/events/stream')) streamRequests.push(request.headers());
    });
    await open('?asOf=2021-10-01');
    await page.locator('#live[data-status="live"]').waitFor();
    const first = await writeLoan('Loan seen before the connection drops');
    await page.locator('#new-events', { hasText: '1 new' }).waitFor();

    await page.context().setOffline(true);
    await page.locator('#live[data-status="reconnecting"]').waitFor();
    await writeLoan('Loan recorded while the page was offline');
    await page.context().setOffline(false);

    await page.locator('#live[data-status="live"]').waitFor();
    await page.locator('#new-events', { hasText: '2 new' }).waitFor();
    await page.locator('#new-events').click();
    await page
      .locator('#new-list')
      .getByRole('button', { name: /Loan recorded while the page was offline/ })
      .waitFor();
    expect(streamRequests.at(-1)?.['last-event-id']).toBe(first.position);
  });

  async function writeLoan(title: string): Promise<{ position: string }> {
    const response = await fetch(`${base}/v1/commitments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({
        kind: 'loan',
        title,
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        effectiveAt: '2021-09-21',
        terms: { amount: '1000000', currency: 'USD' },
        source: { title: 'A test source' },
      }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { position: string };
  }

  it('opens a shared URL with its dates and filters, and says when nothing matches', async () => {
    await open('?asOf=2021-03-31&party=BY&q=gas&type=CommitmentRecorded');
    await expect(page.locator('#as-of').inputValue()).resolves.toBe('2021-03-31');
    await expect(page.locator('#party input[value="BY"]').isChecked()).resolves.toBe(true);
    await expect(page.locator('#party input[value="RU"]').isChecked()).resolves.toBe(false);
    await expect(page.locator('#party-summary').textContent()).resolves.toBe('BY');
    await expect(page.locator('#type input[value="CommitmentRecorded"]').isChecked()).resolves.toBe(true);
    await expect(page.locator('#q').inputValue()).resolves.toBe('gas');
    await page.locator('.vis-item', { hasText: 'Gas price for Belarus in 2021' }).waitFor();
    const drawn = await page.locator('.vis-item .vis-item-content').allTextContents();
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.every((label) => /gas/i.test(label))).toBe(true);
    // The 2021 price is agreed; the 2020 one (valid until 2020) has lapsed and is closed.
    expect(await count('prices')).toBe(1);
    expect(await section('prices').locator('tbody').textContent()).toContain('Gas price for Belarus in 2021');
    const lapsed = section('closed').locator('tr', { hasText: 'Gas price for Belarus in 2020' });
    await expect(lapsed.textContent()).resolves.toContain('Lapsed: valid until 2020');
    // Beside the price, the source that says it.
    const cited = section('prices').locator('[data-source-of="terms.amount"]');
    await expect(cited.count()).resolves.toBe(1);
    await expect(cited.textContent()).resolves.not.toBe('');
    expect(await count('pledges')).toBe(0);

    // Known at a time before anything was recorded: nothing, said plainly.
    await open('?asOf=2021-10-01&knownAt=2001-01-01T00:00:00Z');
    await page.getByTestId('state-empty').waitFor();
    await expect(page.locator('#known-at').inputValue()).resolves.toMatch(/^2001-01-01T/);
    await page.locator('#timeline-empty:not([hidden])').waitFor();
  });

  it('says when the API refuses a key, and sends the key it is given on every request and on the stream', async () => {
    // Reads are anonymous here, as under `npm start`, but a key that is sent must be good.
    const seen: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/')) seen.push(request.headers()['authorization']);
    });
    await open('?asOf=2021-10-01');
    const alert = page.getByRole('alert');
    const useKey = async (key: string) => {
      const shown = await page.locator('details.key').evaluate((details) => details.hasAttribute('open'));
      if (!shown) await page.getByText('API key', { exact: true }).click();
      await page.getByLabel('Bearer key for this tab').fill(key);
      await page.getByRole('button', { name: 'Use' }).click();
    };

    await useKey(`ntk_0123456789abcdef_${'A'.repeat(43)}`);
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/\(401\)/);

    const readerKey = await t.createKey('reader', 'browser-test-reader');
    await useKey(readerKey);
    await alert.waitFor({ state: 'hidden' });
    await section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' }).waitFor();
    await page.locator('#live[data-status="live"]').waitFor();
    expect(seen).toContain(`Bearer ${readerKey}`);
    expect(seen.some((header) => header === undefined)).toBe(true); // before a key was given
  });

  it('says so when the API cannot be reached', async () => {
    await open('?asOf=2021-10-01');
    await page.locator('#live[data-status="live"]').waitFor();
    serving = false;
    await t.close();

    await page.locator('#live[data-status="reconnecting"]').waitFor();
    await page.getByRole('button', { name: 'One month earlier' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/cannot be reached.*Is the service running\?/s);
    expect(page.url()).toContain('asOf=2021-09-01');
  });
});
