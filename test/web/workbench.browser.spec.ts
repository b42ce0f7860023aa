import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { SeedLoader } from '../../apps/api/src/seeds/seed-loader';
import { seedEmptyStore } from '../../apps/api/src/serve';
import { launchChromium, TestBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';
import type { Commitment } from '../../apps/web/src/types';

const ROOT = resolve(__dirname, '../..');

/**
 * The page as an analyst's workbench, in Debian's Chromium, against the whole
 * service on PostgreSQL with the Belarus–Russia data set: keyboard and screen
 * readers, a phone, amounts and history as fields.
 */
describe('the web page as a workbench', () => {
  let t: TestApp;
  let base: string;
  let chromium: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    execFileSync('node', ['apps/web/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    chromium = await launchChromium();
    t = await startTestApp({ backend: 'postgres', env: { TIMELINE_SEED: 'belarus-russia-2018-2021', TIMELINE_ANONYMOUS_READS: 'true' } });
    await seedEmptyStore(t.app.get(SeedLoader), t.runtime, () => undefined);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const head = await t.runtime.store.headPosition();
    for (let tries = 0; !(await fetch(`${base}/v1/timeline?limit=1&minPosition=${head}`)).ok; tries++) {
      if (tries > 30) throw new Error('the read models did not catch up');
    }
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  beforeEach(async () => {
    page = await chromium.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  });

  afterEach(async () => {
    await page?.context().close();
  });

  const section = (name: string) => page.locator(`#state-body [data-section="${name}"]`);
  // Run in the page (this file has no DOM types): what has focus, and whether it shows.
  const active = () =>
    page.evaluate<{ id?: string; dataId?: string; inDrawer: boolean; classes: string; outline: string }>(`(() => {
      const element = document.activeElement;
      return { id: element?.id, dataId: element?.dataset.id, inDrawer: !!element?.closest('#drawer'), classes: String(element?.className ?? ''), outline: element ? getComputedStyle(element).outlineStyle : '' };
    })()`);

  /** Asks again until `ok` holds (10 s at most), then fails with the last answer. */
  async function poll<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (const started = Date.now(); !ok(value); value = await read()) {
      if (Date.now() - started > 10_000) throw new Error(`still ${JSON.stringify(value)} after 10 s`);
      await new Promise((done) => setTimeout(done, 100));
    }
    return value;
  }

  async function open(query = ''): Promise<void> {
    await page.goto(`${base}/${query}`);
    await page.locator('#state-body[aria-busy="false"] > *').first().waitFor({ state: 'attached' });
    await page.locator('.vis-item[data-id]').first().waitFor();
  }

  /** axe-core (pinned devDependency) injected into the page: no serious or critical violation. */
  async function audit(): Promise<{ id: string; impact: string; nodes: string[] }[]> {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const found = await page.evaluate<
      { id: string; impact: string; nodes: string[] }[]
    >(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
    return found.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  }

  it('reaches and opens timeline items by keyboard, with visible focus; the drawer traps focus and gives it back', async () => {
    await open('?asOf=2021-10-01');
    await page.locator('#timeline').focus();
    await page.keyboard.press('Tab');
    const first = await active();
    expect(first.classes).toContain('vis-item');
    expect(first.outline).not.toBe('none');
    await page.keyboard.press('ArrowRight');
    const second = await active();
    expect(second.classes).toContain('vis-item');
    expect(second.dataId).not.toBe(first.dataId);

    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog');
    await drawer.waitFor();
    expect((await active()).id).toBe('drawer-close');
    // Tab and Shift+Tab stay inside the dialog.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect((await active()).inDrawer).toBe(true);
    }
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      expect((await active()).inDrawer).toBe(true);
    }
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect((await active()).dataId).toBe(second.dataId);

    // The timeline pans by keyboard.
    await page.locator('#timeline').focus();
    const item = page.locator(`.vis-item[data-id="${second.dataId}"]`);
    const before = (await item.boundingBox())!.x;
    await page.keyboard.press('ArrowLeft');
    await poll(
      async () => (await item.boundingBox())?.x ?? before,
      (x) => x > before + 20,
    );
  });

  it('passes an axe-core audit with no serious or critical violation, drawer closed and open', async () => {
    await open('?asOf=2021-10-01');
    expect(await audit()).toEqual([]);
    await section('pledges').getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
    await page.locator('#drawer li.version.is-claim').waitFor();
    expect(await audit()).toEqual([]);
    // Sources that disagree, opened: every claim listed, still no serious violation.
    await page.keyboard.press('Escape');
    const loan = section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    await loan.locator('details.figure[data-figure-of="terms.amount"] summary').first().click();
    await loan.locator('ol.claims').first().waitFor();
    expect(await audit()).toEqual([]);
  });

  it('filters by several event types, kept in the URL', async () => {
    await open('?asOf=2021-10-01');
    await page.locator('#type-summary').click();
    await page.getByRole('checkbox', { name: 'Commitment recorded' }).check();
    await page.waitForURL(/type=CommitmentRecorded(&|$)/);
    await page.getByRole('checkbox', { name: 'Deployment started' }).check();
    await page.waitForURL(/type=CommitmentRecorded,DeploymentStarted/);
    await poll(
      () => page.locator('.vis-item.stream-deployment').count(),
      (n) => n > 0,
    );
    await poll(
      () => page.locator('.vis-item.stream-track').count(),
      (n) => n === 0,
    );
    expect(await page.locator('.vis-item.stream-commitment').count()).toBeGreaterThan(0);

    await open(`?asOf=2021-10-01&type=CommitmentRecorded,DeploymentStarted`);
    await expect(page.locator('#type-summary').textContent()).resolves.toBe('2 types');
    await page.locator('#type-summary').click();
    await expect(page.getByRole('checkbox', { name: 'Commitment recorded' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'Deployment started' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'Track opened' }).isChecked()).resolves.toBe(false);
  });

  it('writes amounts with their currency or unit, and every version of a history as fields, never JSON', async () => {
    await open('?asOf=2021-10-01');
    const loan = section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    await expect(loan.locator('.figure-text').first().textContent()).resolves.toBe('$600m');
    await expect(loan.locator('[data-figure-of="terms.amount"]').first().getAttribute('title')).resolves.toMatch(/^600,000,000 USD — /);
    await open('?asOf=2021-03-31&q=gas');
    await expect(section('prices').textContent()).resolves.toContain('128.5 USD per 1000 m³');

    await open('?asOf=2021-10-01');
    await section('pledges').getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
    const drawer = page.getByRole('dialog', { name: 'Russian loan to Belarus until the end of 2022' });
    await drawer.locator('li.version.is-claim').waitFor();
    const first = drawer.locator('li.version').first();
    await expect(first.locator('tr[data-path="terms.amount"] td.to').textContent()).resolves.toBe('$600m');
    await expect(first.locator('tr[data-path="terms.amount"] td.to').getAttribute('title')).resolves.toBe('600,000,000 USD');
    // A competing claim changes no field of the record: it says so, in words.
    await expect(drawer.locator('li.version.is-claim .none').textContent()).resolves.toBe('no field changed');
    await expect(first.locator('tr[data-path="terms.currency"] td.to').textContent()).resolves.toBe('USD');
    const cells = await drawer.locator('li.version td').allTextContents();
    expect(cells.length).toBeGreaterThan(4);
    for (const cell of cells) expect(cell).not.toMatch(/^\s*[{[]|"\w+":|^\d{5,}$/);
  });

  it('works on a 390 px wide phone and at 1366×768 without sideways scrolling of the page', async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1366, height: 768 },
    ]) {
      await page.setViewportSize(viewport);
      await open('?asOf=2021-10-01');
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect({ viewport, overflow }).toEqual({ viewport, overflow: 0 });
      for (const control of ['#as-of', '#as-of-slider', '#reported-by', '#party-summary', '#type-summary', '#q', '#timeline']) {
        const box = await page.locator(control).boundingBox();
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 1);
      }
      await section('pledges').getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
      const drawer = await page.locator('#drawer').boundingBox();
      expect(drawer!.width).toBeLessThanOrEqual(viewport.width);
      await page.keyboard.press('Escape');
    }
    expect(await audit()).toEqual([]);
  });

  it('compares two dates and two knownAt side by side, each change with its source, the comparison in the URL', async () => {
    await open('?asOf=2021-10-01');
    await page.getByRole('button', { name: 'Compare two moments' }).click();
    await page.waitForURL(/panel=compare&from=2021-04-01&to=2021-10-01/);
    const added = page.locator('#compare-body [data-compare="added"]');
    await added.locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' }).waitFor();
    await expect(
      added.locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' }).locator('.cite summary').textContent(),
    ).resolves.not.toBe('');

    await expect(added.locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' }).textContent()).resolves.toContain(
      '$600m',
    );

    // The same date, as known before the 2019 loan's conditions were recorded and as known now.
    const loans = (await (await fetch(`${base}/v1/commitments?asOf=2019-09-30&kind=loan&limit=100`)).json()) as { items: Commitment[] };
    const id = loans.items.find((c) => c.title === "Loan to refinance Belarus's 2019 payments on Russian state loans")!.id;
    const history = (await (await fetch(`${base}/v1/commitments/${id}/history`)).json()) as {
      versions: { recordedAt: string; type: string }[];
    };
    const amended = history.versions.find((version) => version.type === 'CommitmentTermsAmended')!;
    const before = new Date(Date.parse(amended.recordedAt) - 1).toISOString();
    await open(`?asOf=2019-09-30&panel=compare&from=2019-09-30&to=2019-09-30&fromKnownAt=${before}`);
    const item = page.locator(`#compare-body [data-compare="changed"] .compare-item[data-id="${id}"]`);
    await item.waitFor();
    const conditions = item.locator('tr[data-path="terms.conditions"]');
    await expect(conditions.locator('td.to').textContent()).resolves.toContain('linked by Moscow to integration');
    await expect(conditions.locator('.cite summary').textContent()).resolves.toMatch(/^Interfax-Ukraine, 2019-06-13/);
    await expect(conditions.locator('.cite summary').textContent()).resolves.not.toContain('(correction)');
    await expect(item.locator('thead').textContent()).resolves.toMatch(/30 Sep 2019, as known at .*30 Sep 2019/);
    // The source opens by keyboard, with the confidence and the paraphrase marked.
    await conditions.locator('.cite summary').focus();
    await page.keyboard.press('Enter');
    await expect(conditions.locator('.cite .paraphrase').textContent()).resolves.toMatch(/^Paraphrase, not the source’s words: /);
    await expect(conditions.locator('.cite .meta').textContent()).resolves.toMatch(/confidence: /);
    await expect(page.locator('#compare-from-known').inputValue()).resolves.not.toBe('');
    expect(await audit()).toEqual([]);
  });

  it('charts pledged against delivered per party pair and currency, lapsed marked, a point opening the commitments behind it', async () => {
    await open('?asOf=2023-06-30&panel=chart');
    const figure = page.locator('#chart-body figure.pair-chart[data-pair="RU→BY USD"]');
    await figure.locator('canvas').waitFor();
    // The figures are the ledger's, summed over kinds, as of each quarter's end.
    const ledger = (await (await fetch(`${base}/v1/ledger?asOf=2021-12-31&by=RU&to=BY`)).json()) as {
      rows: { currency: string; pledged: string; requested: string }[];
    };
    const pledged = ledger.rows.filter((row) => row.currency === 'USD').reduce((sum, row) => sum + Number(row.pledged), 0);
    expect(pledged).toBeGreaterThan(0);
    await figure.locator('summary', { hasText: 'Figures as a table' }).click();
    const december = figure.locator('tr[data-day="2021-12-31"]');
    await expect(december.locator('td[data-series="pledged"]').getAttribute('data-value')).resolves.toBe(String(pledged));
    await expect(december.locator('td[data-series="pledged"]').textContent()).resolves.toMatch(/^\$[\d.]+(m|bn)$/);
    // By mid-2023 the loan "until the end of 2022" has lapsed: a point of its own, not pledged any more.
    const last = figure.locator('tr[data-day="2023-06-30"]');
    const lapsed = (await (await fetch(`${base}/v1/commitments?asOf=2023-06-30&status=lapsed&party=BY&limit=1000`)).json()) as {
      items: Commitment[];
    };
    const lapsedSum = lapsed.items
      .filter((c) => c.by === 'RU' && c.to === 'BY' && c.currency === 'USD' && c.kind !== 'price')
      .reduce((sum, c) => sum + Number(c.pledged ?? c.terms.amount), 0);
    expect(lapsed.items.map((c) => c.title)).toContain('Russian loan to Belarus until the end of 2022');
    await expect(last.locator('td[data-series="lapsed"]').getAttribute('data-value')).resolves.toBe(String(lapsedSum));

    // A click on the chart lists the commitments behind the point, and the URL keeps it.
    const box = (await figure.locator('canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width - 8, box.y + box.height / 2);
    const behind = figure.locator('.behind');
    await behind.locator('li', { hasText: 'Russian loan to Belarus until the end of 2022' }).waitFor();
    await expect(
      behind.locator('li', { hasText: 'Russian loan to Belarus until the end of 2022' }).locator('.mark').textContent(),
    ).resolves.toBe('lapsed');
    await page.waitForURL(/chartAt=2023-06-30/);

    // By keyboard: a row of the table lists them too, and a commitment opens its history.
    await december.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await behind.locator('h4', { hasText: '31 Dec 2021' }).waitFor();
    await page.waitForURL(/chartAt=2021-12-31/);
    await behind.getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
    await page.getByRole('dialog', { name: 'Russian loan to Belarus until the end of 2022' }).waitFor();
    await page.keyboard.press('Escape');

    // The shared URL shows the same list.
    await open('?asOf=2023-06-30&panel=chart&chartAt=2021-12-31');
    await page.locator('#chart-body figure[data-pair="RU→BY USD"] .behind h4', { hasText: '31 Dec 2021' }).waitFor();
    expect(await audit()).toEqual([]);
  });

  it('links every figure of the state to its source, with confidence and the paraphrase marked', async () => {
    await open('?asOf=2021-10-01');
    for (const name of ['pledges', 'demands', 'prices', 'closed']) {
      const cells = section(name).locator('tbody td');
      for (let i = 0; i < (await cells.count()); i++) {
        const cell = cells.nth(i);
        const text = (await cell.textContent()) ?? '';
        if (!/^\$[\d.,]+(m|bn)?$|USD/.test(text.trim())) continue;
        // A figure is a control that opens to its source, or says no source was kept.
        const cited = (await cell.locator('details.figure').count()) + (await cell.locator('.figure[title*="no source kept"]').count());
        expect({ section: name, text, cited }).toEqual({ section: name, text, cited: 1 });
      }
    }
    const loan = section('pledges').locator('tr', { hasText: 'Russian loan to Belarus until the end of 2022' });
    const figure = loan.locator('details.figure[data-figure-of="terms.amount"]').first();
    await expect(figure.locator('summary .figure-text').textContent()).resolves.toBe('$600m');
    await expect(figure.locator('summary').textContent()).resolves.toBe('$600m 2 sources disagree');
    await figure.locator('summary').click();
    // Opened, every claim: Belsat's in our words (labelled), the article's quoted.
    await expect(figure.locator('li.claim').nth(0).locator('.paraphrase').textContent()).resolves.toMatch(
      /^Paraphrase, not the source’s words: /,
    );
    await expect(figure.locator('li.claim').nth(1).locator('blockquote').textContent()).resolves.toContain('$600m loan');
    await expect(figure.locator('.cite-body > .meta').textContent()).resolves.toMatch(/^confidence: \w+/);
    await expect(figure.getAttribute('title')).resolves.toMatch(
      /^600,000,000 USD — Analysis of the Belarus–Russia .* \(2 sources disagree\)$/,
    );
  });

  it('exports the state and the comparison as CSV, the timeline and the chart as PNG, and a permalink that shows the same', async () => {
    const download = async (button: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
      return { name: file.suggestedFilename(), body: readFileSync(await file.path()) };
    };
    await open('?asOf=2021-10-01&panel=compare&from=2021-03-31&to=2021-10-01');
    await page.locator('#compare-body [data-compare="added"]').waitFor();
    await page.locator('#export summary').click();
    const state = await download('#export-state-csv');
    expect(state.name).toBe('commitments-2021-10-01.csv');
    expect(state.body.toString()).toMatch(/^id,title,kind,by,to,status,pledged/);
    expect(state.body.toString()).toContain('Russian loan to Belarus until the end of 2022');
    const diff = await download('#export-compare-csv');
    expect(diff.body.toString()).toMatch(/^change,id,title,field,from,to,sourceEventId/);
    expect(diff.body.toString()).toMatch(/\nadded,[0-9a-f-]+,Russian loan to Belarus until the end of 2022,/);
    const timeline = await download('#export-timeline-png');
    expect(timeline.name).toBe('timeline-2021-10-01.png');
    expect(timeline.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(timeline.body.length).toBeGreaterThan(5_000);

    const link = await page.locator('#permalink').inputValue();
    expect(link).toBe(page.url());
    const caption = await page.locator('#compare-caption').textContent();
    const other = await chromium.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await other.goto(link);
    await other.locator('#compare-caption', { hasText: caption! }).waitFor();
    await other.close();

    await open('?asOf=2021-10-01&panel=chart');
    await page.locator('#chart-body canvas').first().waitFor();
    await page.waitForTimeout(300);
    await page.locator('#export summary').click();
    const chart = await download('#export-chart-png');
    expect(chart.name).toMatch(/^pledged-vs-delivered-RU-BY-USD-2021-10-01\.png$/);
    expect(chart.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });

  // Last: it adds made-up parties and a made-up loan, which the tests above do not expect.
  it('filters by several parties, kept in the URL and asked of the API as one list', async () => {
    // Made-up test data: no real source says this.
    const source = { title: 'Made-up test source: two more parties', paraphrase: 'a made-up report' };
    for (const [partyId, name] of [
      ['KZ', 'Made-up test party K'],
      ['AM', 'Made-up test party A'],
    ])
      await t.http().post('/v1/parties').send({ partyId, name, kind: 'state', effectiveAt: '2015-01-01', source }).expect(201);
    const { position } = (
      await t
        .http()
        .post('/v1/commitments')
        .send({
          kind: 'loan',
          title: 'Made-up test loan between two more parties',
          by: 'KZ',
          to: 'AM',
          status: 'pledged',
          terms: { amount: '1000000', currency: 'USD' },
          effectiveAt: '2021-05',
          source,
        })
        .expect(201)
    ).body as { position: string };
    await poll(
      async () => (await fetch(`${base}/v1/commitments?party=KZ&minPosition=${position}`)).status,
      (status) => status === 200,
    );

    await open('?asOf=2021-10-01');
    const rows = () => page.locator('#state-body tbody tr').count();
    const everyone = await rows();
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/timeline' && url.searchParams.has('party')) asked.push(url.searchParams.get('party')!);
    });
    const chosen = () => (new URL(page.url()).searchParams.get('party') ?? '').split(',').filter(Boolean).sort();
    await page.locator('#party-summary').click();
    await page.getByRole('checkbox', { name: /\(KZ\)/ }).check();
    await page.waitForURL(/party=KZ(&|$)/);
    await expect(page.locator('#state-caption').textContent()).resolves.toContain('Party KZ only.');
    await poll(rows, (n) => n === 1);
    await expect(page.locator('#state-body tbody tr').textContent()).resolves.toContain('Made-up test loan between two more parties');
    await page.getByRole('checkbox', { name: /\(BY\)/ }).check();
    await poll(
      async () => chosen(),
      (list) => list.join() === 'BY,KZ',
    );
    await expect(page.locator('#state-caption').textContent()).resolves.toMatch(/Parties (BY, KZ|KZ, BY) only\./);
    await poll(rows, (n) => n > 1);
    await poll(
      async () => asked.map((list) => list.split(',').sort().join()),
      (lists) => lists.includes('BY,KZ'),
    );

    // Both sides of the loan chosen: it is listed once.
    await open('?asOf=2021-10-01&party=KZ,AM');
    await expect(page.locator('#party-summary').textContent()).resolves.toBe('KZ, AM');
    await page.locator('#party-summary').click();
    await expect(page.getByRole('checkbox', { name: /\(KZ\)/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: /\(AM\)/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: /\(BY\)/ }).isChecked()).resolves.toBe(false);
    expect(await rows()).toBe(1);
    await page.getByRole('button', { name: 'All parties' }).click();
    await page.waitForURL((url) => !url.search.includes('party='));
    await poll(rows, (n) => n === everyone);
  });
});
