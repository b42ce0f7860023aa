import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { appendBulk } from '@timeline/event-store';
import { rebuildReadModels } from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { launchChromium, TestBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const EVENTS = 10_000;
/** Page loads (and drags) measured; the medians go to bench/RESULTS.md by hand. */
const RUNS = Number(process.env.DENSE_RUNS ?? 3);

/** What one load of the page measured, from Chromium's performance timeline. */
interface Run {
  firstPaintMs: number;
  completeMs: number;
  loadLongTasks: { count: number; totalMs: number; maxMs: number };
  itemsHeldByVis: number;
  clustersAtFirstPaint: number;
  dragBar: Drag;
  dragSlider: Drag;
}

interface Drag {
  durationMs: number;
  longTasks: { count: number; totalMs: number; maxMs: number };
  /** The longest gap between animation frames while dragging: a stall shows here. */
  maxFrameGapMs: number;
  frames: number;
  /** Once the hand rests: the state on the new date asked for and drawn. */
  settle: { durationMs: number; longTasks: { count: number; totalMs: number; maxMs: number }; maxFrameGapMs: number };
}

/**
 * The web page on a generated history of 10,000 events (made up by `timeline generate`'s
 * generator): the line paints clusters of the dense periods, they expand on zoom down to
 * single items, and the timings of the first paint and of dragging the date are recorded
 * (bench/results/, and in the test's output) — not asserted: the machine is shared.
 */
describe('the web page on 10,000 generated events', () => {
  let t: TestApp;
  let base: string;
  let chromium: TestBrowser;
  let serving = false;

  beforeAll(async () => {
    execFileSync('node', ['apps/web/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    chromium = await launchChromium();
    t = await startTestApp({ backend: 'postgres', env: { TIMELINE_ANONYMOUS_READS: 'true', TIMELINE_ROLES: 'api' } });
    const history = new SyntheticHistory({
      events: EVENTS,
      seed: 1,
      from: new Date('2015-01-01'),
      until: new Date('2026-06-01'),
      prefix: 'g1-',
    });
    for (let batch = history.next(2000); batch.length > 0; batch = history.next(2000)) await appendBulk(t.runtime.db.pool, batch);
    // The read models in one bulk pass, as `timeline rebuild` makes them.
    await rebuildReadModels(t.runtime.db);
    await t.app.listen(0, '127.0.0.1');
    serving = true;
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, 300_000);

  afterAll(async () => {
    await chromium?.close();
    if (serving) await t?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await chromium.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    // Long tasks and frame gaps from the very start, before the page's own script runs.
    // (A string: this runs in the page, whose types the tests' tsconfig does not have.)
    await page.addInitScript(`
      window.longTasks = [];
      window.frames_ = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
      const frame = (time) => { window.frames_.push(time); requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
    `);
    return page;
  }

  const mark = (page: Page, name: string) =>
    page
      .waitForFunction((mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime, name, { timeout: 120_000 })
      .then((handle) => handle.jsonValue());

  async function longTasksBetween(page: Page, from: number, to: number) {
    const tasks = await page.evaluate<{ start: number; duration: number }[]>('window.longTasks');
    const inside = tasks.filter((task) => task.start + task.duration >= from && task.start <= to);
    return {
      count: inside.length,
      totalMs: round(inside.reduce((sum, task) => sum + task.duration, 0)),
      maxMs: round(Math.max(0, ...inside.map((task) => task.duration))),
    };
  }

  async function frameGaps(page: Page, from: number, to: number) {
    const frames = await page.evaluate<number[]>('window.frames_');
    const inside = frames.filter((time) => time >= from && time <= to);
    let max = 0;
    for (let i = 1; i < inside.length; i++) max = Math.max(max, inside[i] - inside[i - 1]);
    return { maxFrameGapMs: round(max), frames: inside.length };
  }

  /** Drags with the mouse from the middle of `selector` by `dx` pixels, in small steps, as a hand would. */
  async function drag(page: Page, selector: string, dx: number): Promise<Drag> {
    const box = (await page.locator(selector).first().boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + Math.min(box.height / 2, 40);
    await page.mouse.move(x, y);
    const before = new URL(page.url()).searchParams.get('asOf');
    const started = await page.evaluate(() => performance.now());
    await page.mouse.down();
    for (let step = 1; step <= 40; step++) {
      await page.mouse.move(x + (dx * step) / 40, y);
      await page.waitForTimeout(15);
    }
    await page.mouse.up();
    const ended = await page.evaluate(() => performance.now());
    // What the drag set off once the hand rests: the state on the new date, asked for and drawn
    // (the panel says which day it shows in data-as-of). The date may have moved during the drag
    // already (the slider sets it as it goes), so it is compared with the date before the drag.
    for (let tries = 0; new URL(page.url()).searchParams.get('asOf') === before; tries++) {
      if (tries > 100) throw new Error(`the drag did not move the date from ${before}`);
      await page.waitForTimeout(20);
    }
    const asOf = new URL(page.url()).searchParams.get('asOf');
    await page.locator(`#state-body[aria-busy="false"][data-as-of="${asOf}"]`).waitFor({ timeout: 60_000 });
    // The frame that shows it.
    const settled = await page.evaluate<number>('new Promise((done) => requestAnimationFrame(() => done(performance.now())))');
    return {
      durationMs: round(ended - started),
      longTasks: await longTasksBetween(page, started, ended),
      ...(await frameGaps(page, started, ended)),
      settle: {
        durationMs: round(settled - ended),
        longTasks: await longTasksBetween(page, ended, settled),
        maxFrameGapMs: (await frameGaps(page, ended, settled)).maxFrameGapMs,
      },
    };
  }

  const clusterCounts = (page: Page) =>
    page
      .locator('.vis-item.cluster:not(.ongoing)')
      .evaluateAll((nodes) => nodes.map((node) => Number(/\d+/.exec(node.textContent ?? '')?.[0])));

  it(
    'paints clusters first, keeps vis-timeline small, and records the timings of the first paint and of dragging the date',
    async () => {
      const runs: Run[] = [];
      for (let run = 0; run < RUNS; run++) {
        const page = await newPage();
        await page.goto(`${base}/?asOf=2021-06-30`);
        const firstPaintMs = await mark(page, 'timeline:first-paint');
        const clustersAtFirstPaint = await page.locator('.vis-item.cluster').count();
        const completeMs = await mark(page, 'timeline:complete');
        await page.locator('#state-body[aria-busy="false"] > *').first().waitFor({ timeout: 120_000 });

        // Every event is on the line, but vis-timeline holds only what the window needs.
        const onTheLine = Number(/^(\d+) on the line/.exec((await page.locator('#timeline-count').textContent()) ?? '')?.[1]);
        expect(onTheLine).toBeGreaterThan(EVENTS * 0.8);
        const itemsHeldByVis = await page.locator('.vis-item').count();
        expect(itemsHeldByVis).toBeLessThan(1000);
        // At the first, wide zoom the dense periods are clusters, counting many events each.
        const counts = await clusterCounts(page);
        expect(counts.length).toBeGreaterThan(10);
        expect(Math.max(...counts)).toBeGreaterThan(20);

        const loadLongTasks = await longTasksBetween(page, 0, completeMs);
        const dragBar = await drag(page, '.vis-custom-time.asOf', 300);
        expect(page.url()).not.toContain('asOf=2021-06-30');
        const dragSlider = await drag(page, '#as-of-slider', -200);
        console.log(`run ${run + 1}: first paint ${round(firstPaintMs)} ms, complete ${round(completeMs)} ms`);
        runs.push({
          firstPaintMs: round(firstPaintMs),
          completeMs: round(completeMs),
          loadLongTasks,
          itemsHeldByVis,
          clustersAtFirstPaint,
          dragBar,
          dragSlider,
        });
        await page.context().close();
      }
      record(runs);
      expect(runs.every((run) => run.clustersAtFirstPaint > 0)).toBe(true);
    },
    120_000 * RUNS,
  );

  it('expands a cluster on click, zoom by zoom, down to single events that open their history', async () => {
    const page = await newPage();
    await page.goto(`${base}/?asOf=2021-06-30`);
    await mark(page, 'timeline:complete');
    const windowWidth = async () => {
      const element = page.locator('#timeline');
      return Number(await element.getAttribute('data-window-end')) - Number(await element.getAttribute('data-window-start'));
    };
    let width = await windowWidth();
    const initialWidth = width;
    for (let zoom = 0; zoom < 8 && (await page.locator('.vis-item.cluster:not(.ongoing)').count()) > 0; zoom++) {
      // The largest cluster in view: clicking it zooms to its slice, where it falls apart.
      const counts = await clusterCounts(page);
      const largest = counts.indexOf(Math.max(...counts));
      await page.locator('.vis-item.cluster:not(.ongoing)').nth(largest).click();
      const before = width;
      for (let tries = 0; (await windowWidth()) >= before && tries < 100; tries++) await page.waitForTimeout(100);
      await page.waitForTimeout(300);
      width = await windowWidth();
    }
    expect(width).toBeLessThan(initialWidth / 20);
    expect(await page.locator('.vis-item.cluster:not(.ongoing)').count()).toBe(0);
    // Zoomed in, the events are there one by one, and one opens its history like any other.
    const single = page.locator('.vis-item:not(.cluster)');
    expect(await single.count()).toBeGreaterThan(0);
    const commitment = page.locator('.vis-item.stream-commitment.duration:not(.cluster)').first();
    const target = (await commitment.count()) ? commitment : single.first();
    await target.click();
    await page.getByRole('dialog').waitFor();
    await page.context().close();
  });
  it('draws the first rows of each long section of the state, and the rest on "Show all", focus on the first of them', async () => {
    const page = await newPage();
    await page.goto(`${base}/?asOf=2024-06-30`);
    await mark(page, 'timeline:complete');
    await page.locator('#state-body[aria-busy="false"][data-as-of="2024-06-30"]').waitFor({ timeout: 60_000 });
    // The panel draws the pages of the state loaded so far (50 commitments a page): pages by
    // "Show more" until a section is longer than the 100 rows it draws at once.
    const shownOf = `document.querySelector('[data-more="commitments"]')?.textContent ?? ''`;
    for (let pages = 1; pages < 20; pages++) {
      const counts = await page.locator('#state-body section[data-section]:has(table) h3 .count').allTextContents();
      if (counts.some((count) => Number(count) > 100) || !(await page.getByTestId('show-more-commitments').count())) break;
      const before = await page.evaluate<string>(shownOf);
      await page.getByTestId('show-more-commitments').click();
      await page.waitForFunction(`(${shownOf}) !== ${JSON.stringify(before)}`, undefined, { timeout: 30_000 });
    }
    await page.evaluate(
      `window.panelsDrawn = 0; new MutationObserver(() => window.panelsDrawn++).observe(document.getElementById('state-body'), { childList: true })`,
    );
    const long: { section: string; total: number }[] = [];
    for (const section of await page.locator('#state-body section[data-section]:has(table)').all()) {
      const total = Number(await section.locator('h3 .count').first().textContent());
      const rows = await section.locator('tbody tr').count();
      if (total > 100) {
        expect({ total, rows }).toEqual({ total, rows: 100 });
        long.push({ section: (await section.getAttribute('data-section'))!, total });
      } else if (rows) expect(rows).toBe(total);
    }
    // Programmes are listed by status, each list drawn the same way.
    for (const group of await page.locator('#state-body .programme-group').all()) {
      const total = Number(await group.locator('h4 .count').textContent());
      expect({ total, lines: await group.locator('li').count() }).toEqual({ total, lines: Math.min(total, 100) });
    }
    // The generated history has sections longer than a first page at that date.
    expect(long.length).toBeGreaterThan(0);
    const { section, total } = long[0];
    const showAll = page.locator(`#state-body [data-section="${section}"] button.show-all`);
    await expect(showAll.textContent()).resolves.toMatch(new RegExp(`^Show all ${total} [a-z ]+ \\(${total - 100} more\\)$`));
    await showAll.click();
    // Nothing drew the panel again meanwhile (which would put the button back).
    expect(await page.evaluate('window.panelsDrawn')).toBe(0);
    expect(await page.locator(`#state-body [data-section="${section}"] tbody tr`).count()).toBe(total);
    expect(await showAll.count()).toBe(0);
    const focused = await page.evaluate<string | undefined>(
      `document.activeElement?.closest('tr') === document.querySelector('#state-body [data-section="${section}"] tbody tr:nth-child(101)') ? 'row 101' : document.activeElement?.outerHTML`,
    );
    expect(focused).toBe('row 101');
    await page.context().close();
  });
});

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** Writes the runs and their medians to bench/results/ (not committed) and prints the medians. */
function record(runs: Run[]): void {
  const medians = {
    firstPaintMs: median(runs.map((run) => run.firstPaintMs)),
    completeMs: median(runs.map((run) => run.completeMs)),
    loadLongTaskTotalMs: median(runs.map((run) => run.loadLongTasks.totalMs)),
    itemsHeldByVis: median(runs.map((run) => run.itemsHeldByVis)),
    dragBarMaxFrameGapMs: median(runs.map((run) => run.dragBar.maxFrameGapMs)),
    dragBarLongTaskTotalMs: median(runs.map((run) => run.dragBar.longTasks.totalMs)),
    dragBarLongTaskMaxMs: median(runs.map((run) => run.dragBar.longTasks.maxMs)),
    dragSliderMaxFrameGapMs: median(runs.map((run) => run.dragSlider.maxFrameGapMs)),
    dragSliderLongTaskTotalMs: median(runs.map((run) => run.dragSlider.longTasks.totalMs)),
    dragSliderLongTaskMaxMs: median(runs.map((run) => run.dragSlider.longTasks.maxMs)),
    settleAfterBarMs: median(runs.map((run) => run.dragBar.settle.durationMs)),
    settleAfterBarLongTaskMaxMs: median(runs.map((run) => run.dragBar.settle.longTasks.maxMs)),
    settleAfterSliderMs: median(runs.map((run) => run.dragSlider.settle.durationMs)),
    settleAfterSliderLongTaskMaxMs: median(runs.map((run) => run.dragSlider.settle.longTasks.maxMs)),
  };
  const result = {
    suite: 'dense timeline (test/web/dense-timeline.browser.spec.ts)',
    at: new Date().toISOString(),
    events: EVENTS,
    machine: { cores: cpus().length, loadAverage1mAtEnd: round(loadavg()[0]) },
    medians,
    runs,
  };
  const directory = resolve(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(resolve(directory, `dense-timeline-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`dense timeline, medians of ${runs.length} runs: ${JSON.stringify(medians)}`);
}
