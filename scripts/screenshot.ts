/**
 * Takes the README's screenshot of the Annotate view: builds the demo corpus
 * (`mellm synth --demo`), starts the loopback bridge (`out/main/serve.js`) with its own
 * user-data folder, opens the workspace in Debian's Chromium through the Corpus view,
 * opens one clip, runs "Analyse event" and saves the view with the suggestion and the
 * flow overlay at the apex.
 *
 *   npm run build   (once)
 *   node --import tsx scripts/screenshot.ts [--out docs/images/annotate.png] [--clip EP02_01] [--corpus <demo folder>]
 *
 * Needs ffmpeg and Chromium at /usr/bin/chromium (or CHROMIUM_PATH), like the e2e tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { out: { type: 'string' }, clip: { type: 'string' }, corpus: { type: 'string' } },
});
const out = resolve(values.out ?? join(root, 'docs/images/annotate.png'));
const clipName = values.clip ?? 'EP02_01';
const cli = join(root, 'out/main/cli.js');
const serve = join(root, 'out/main/serve.js');
if (!existsSync(cli) || !existsSync(serve)) throw new Error('Build first: npm run build');

const scratch = mkdtempSync(join(tmpdir(), 'mellm-screenshot-'));
const corpus = values.corpus ? resolve(values.corpus) : join(scratch, 'demo');
if (!values.corpus) {
  const made = spawnSync(process.execPath, [cli, 'synth', '--demo', corpus], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('mellm synth --demo failed');
}
const workspace = join(corpus, 'demo.mellm');

/** Starts `out/main/serve.js` and resolves with its URL (token included). */
function startBridge(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [serve, '--user-data', join(scratch, 'user-data')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => void child.kill('SIGTERM');
  return new Promise((done, fail) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(text)?.[0];
      if (url) done({ url, stop });
    });
    child.on('exit', (code) => fail(new Error(`serve.js exited (${code}) before printing its URL`)));
  });
}

/** Pixels with any opacity on the stage's overlay layer (its second Konva canvas). A string: this file is typed without the DOM. */
const OVERLAY_PIXELS = `(() => {
  const canvas = document.querySelectorAll('[data-testid="frame-stage"] canvas')[1];
  const context = canvas?.getContext('2d');
  if (!canvas || !context) return 0;
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
  return painted;
})()`;
const overlayPixels = async (page: Page): Promise<number> => Number(await page.evaluate(OVERLAY_PIXELS));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const bridge = await startBridge();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(bridge.url);
  // Labels are stored per annotator: name one, as Settings does.
  await page.evaluate(() => fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ annotator: 'demo-coder' }) }));
  await page.reload();

  await page.locator('[data-view="corpus"]').click();
  await page.locator('input[name="workspace-path"]').fill(workspace);
  await page.locator('form', { has: page.locator('input[name="workspace-path"]') }).getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('workspace-info').waitFor();
  await page.getByTestId('clip-queue').locator('tr', { hasText: clipName }).getByRole('button', { name: 'Annotate' }).click();
  await page.getByTestId('frame-number').waitFor();
  await until('the event markers', async () => /\d/.test((await page.locator('[data-marker="apex"] dd').textContent()) ?? ''), 20_000);

  await page.getByRole('button', { name: 'Analyse event' }).click();
  const aus = page.locator('[data-testid="suggestions"] [data-field="aus"] .value');
  await until('the suggestion', async () => ((await aus.textContent()) ?? '').trim().length > 0, 300_000);

  // Flow and ROI boxes on the apex frame.
  for (const [layer, on] of [['difference', false], ['landmarks', false], ['flow', true], ['rois', true]] as const) {
    const box = page.locator(`input[name="layer-${layer}"]`);
    if ((await box.isChecked()) !== on) await box.setChecked(on);
  }
  const apex = ((await page.locator('[data-marker="apex"] dd').textContent()) ?? '0').trim();
  await page.locator('input[name="goto"]').fill(apex);
  await page.locator('input[name="goto"]').press('Enter');
  await until(`frame ${apex} drawn`, async () => (await page.getByTestId('frame-stage').getAttribute('data-drawn-frame')) === apex, 20_000);
  await until('the flow overlay', async () => (await overlayPixels(page)) > 500, 30_000);
  await page.mouse.move(0, 0);

  const png = await page.screenshot();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer());
  console.log(`${out}: ${Math.round(statSync(out).size / 1024)} kB (suggestion ${await aus.textContent()})`);
} finally {
  await browser.close();
  bridge.stop();
  rmSync(scratch, { recursive: true, force: true });
}
