// Takes the screenshots in docs/screenshots: the service as `npm start` runs it
// (embedded store, seed data) in a temporary data directory, the page in
// Debian's Chromium at a laptop's 1366×768. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`Chromium is missing at ${executablePath}: apt-get install -y chromium`);
if (!existsSync(join(root, 'dist/web/index.html'))) throw new Error('the page is not built: run npm run build first');

const dataDir = mkdtempSync(join(tmpdir(), 'timeline-screenshots-'));
// SCREENSHOTS_PORT picks the port (on a shared machine); else a random high one.
const port = process.env.SCREENSHOTS_PORT ?? String(30_000 + Math.floor(Math.random() * 20_000));
const adminKey = randomBytes(24).toString('hex');
const base = `http://127.0.0.1:${port}`;
const server = spawn('node', [join(root, 'dist/apps/cli/src/main.js'), 'serve'], {
  env: {
    ...process.env,
    DATABASE_URL: '',
    KAFKA_BROKERS: '',
    DATA_DIR: dataDir,
    PORT: port,
    LOG_LEVEL: 'warn',
    TIMELINE_BOOTSTRAP_ADMIN_KEY: adminKey,
    TIMELINE_ANONYMOUS_READS: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

const step = (text) => console.log(`screenshots: ${text}`);
let browser;
try {
  step(`starting the service on ${base} with the seed data`);
  for (
    let waited = 0;
    !(await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    ));
    waited += 250
  ) {
    if (waited > 90_000 || server.exitCode !== null) throw new Error('the service did not come up');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  mkdirSync(out, { recursive: true });
  const settle = async () => {
    await page.locator('#state-body[aria-busy="false"] > *').first().waitFor();
    await page.waitForTimeout(600);
  };

  step('1/6 the timeline and the state panel on 1 October 2021');
  await page.goto(`${base}/?asOf=2021-10-01`);
  await settle();
  await page.screenshot({ path: join(out, 'timeline-and-state.png') });

  step("2/6 the history of the $600m loan, with Belsat's competing claim of about $630m");
  await page.locator('[data-section="pledges"]').getByRole('button', { name: 'Russian loan to Belarus until the end of 2022' }).click();
  await page.locator('#drawer li.version.is-claim').first().waitFor();
  await page.locator('#drawer li.version.is-claim').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'history-drawer.png') });
  await page.keyboard.press('Escape');

  step('3/6 a new event arriving live');
  await page.locator('#live[data-status="live"]').waitFor();
  const written = await fetch(`${base}/v1/commitments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({
      kind: 'loan',
      title: 'Made-up example loan (screenshot script)',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      effectiveAt: '2021-09-28',
      terms: { amount: '300000000', currency: 'USD' },
      source: { title: 'Made-up example written by the screenshot script (no real source)', paraphrase: 'a made-up example' },
    }),
  });
  if (written.status !== 201) throw new Error(`the example write was refused: ${written.status} ${await written.text()}`);
  await page.locator('#new-events', { hasText: '1 new' }).waitFor();
  await page.locator('.vis-item.is-new').first().waitFor();
  await page.locator('#new-events').click();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, 'live-update.png') });

  step('4/6 what changed between 31 March and 1 October 2021');
  await page.goto(`${base}/?asOf=2021-10-01&panel=compare&from=2021-03-31&to=2021-10-01`);
  await page.locator('#compare-body [data-compare="changed"]').waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, 'compare.png') });

  step('5/6 pledged against delivered, with the commitments behind the end of 2021');
  await page.goto(`${base}/?asOf=2023-06-30&panel=chart&chartAt=2021-12-31`);
  await page.locator('#chart-body figure.pair-chart canvas').first().waitFor();
  await page.locator('#chart-body .behind h4').first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, 'chart.png') });

  step('6/6 a 390 px wide phone');
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await phone.goto(`${base}/?asOf=2021-10-01`);
  await phone.locator('#state-body[aria-busy="false"] > *').first().waitFor();
  await phone.waitForTimeout(800);
  await phone.screenshot({ path: join(out, 'phone.png') });
  step(`written to ${out}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
