import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../src/main/paths';
import { writeMeClipVideo } from '../helpers/synth-clip';
import type { Bridge } from '../../src/main/transport/bridge';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { frontalFace } from '../helpers/faces';
import { indexColour, writeIndexClip } from '../helpers/index-clip';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-annotate-'));
let browser: Browser;
let bridge: Bridge;
let page: Page;
let clipPath: string;
const consoleErrors: string[] = [];
const FRAMES = 60;

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  clipPath = writeIndexClip(dir, FRAMES);
  ({ bridge } = await startTestBridge({ userDataDir: join(dir, 'user-data') }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(bridge.url);
  // Labels are stored per annotator: name one through the real settings channel.
  await page.evaluate(() => fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ annotator: 'e2e-coder' }) }));
  await page.reload();
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Centre pixel of the Konva frame layer, i.e. what the annotator sees. */
function stagePixel(): Promise<number[]> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="frame-stage"] canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return [];
    return [...context.getImageData(Math.floor(canvas.width / 2), Math.floor(canvas.height / 2), 1, 1).data.slice(0, 3)];
  });
}

/** Centre pixel of frame `index` fetched from the frame route, decoded by the same browser. */
function routePixel(index: number): Promise<number[]> {
  return page.evaluate(
    async ({ path, index }) => {
      const opened = (await (await fetch('/api/media.open', { method: 'POST', body: JSON.stringify({ path }) })).json()) as { data: { clipId: string } };
      const image = new Image();
      image.src = `/frames/${opened.data.clipId}/${index}.jpg`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      return [...context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)];
    },
    { path: clipPath, index },
  );
}

const close = (a: number[], b: number[], tolerance = 10) => a.length === 3 && a.every((v, i) => Math.abs(v - (b[i] ?? -999)) <= tolerance);

async function expectFramePainted(index: number): Promise<void> {
  await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(index));
}

/** The shown number, the drawn frame and the route's frame all agree (and no neighbour matches). */
async function expectFrameOnScreen(index: number): Promise<void> {
  await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(String(index));
  await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(index));
  const [shown, drawn, served] = await Promise.all([page.getByTestId('frame-number').textContent(), stagePixel(), routePixel(index)]);
  expect(shown).toBe(String(index));
  expect(close(drawn, served), `drawn ${drawn} vs route ${served} for frame ${index}`).toBe(true);
  expect(close(drawn, indexColour(index), 24), `drawn ${drawn} vs encoded colour of ${index}`).toBe(true);
  for (const neighbour of [index - 1, index + 1].filter((n) => n >= 0 && n < FRAMES)) {
    expect(close(drawn, indexColour(neighbour), 24), `frame ${index} looks like ${neighbour}`).toBe(false);
  }
}

/** Goes to each frame and presses O, A, F there (onset, apex, offset). */
async function placeMarkers(frames: readonly [number, number, number], arrived: (frame: number) => Promise<void>): Promise<void> {
  for (const [i, key] of (['o', 'a', 'f'] as const).entries()) {
    const frame = frames[i] as number;
    await page.locator('input[name="goto"]').fill(String(frame));
    await page.locator('input[name="goto"]').press('Enter');
    await arrived(frame);
    await page.keyboard.press(key);
  }
}

/** Pixels with any opacity on the stage's overlay layer (the second Konva canvas). */
function overlayPixels(): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelectorAll<HTMLCanvasElement>('[data-testid="frame-stage"] canvas')[1];
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
    return painted;
  });
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

async function openFromCorpus(): Promise<void> {
  await page.locator('[data-view="corpus"]').click();
  // Main kept the workspace open across the reload; the corpus view adopts it.
  await expect.poll(() => page.getByTestId('workspace-info').textContent()).toContain('1 clip,');
  // The first row's Annotate button (the queue lists clips by id; the index clip is #1).
  await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
  await page.getByTestId('frame-number').waitFor().catch(async (error: unknown) => {
    await screenshot('ui-failed-open-from-corpus');
    throw error;
  });
}

describe('annotation workstation in Chromium over the bridge', () => {
  it('creates a workspace and adds a generated clip', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="workspace-path"]').fill(join(dir, 'corpus.mellm'));
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('workspace-info').textContent()).toContain('0 clips');
    await page.locator('input[name="clip-path"]').fill(clipPath);
    await screenshot('ui-corpus-en');
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await expectFrameOnScreen(0);
  });

  it('steps frame-exactly with the keys: the number shown is the frame drawn', async () => {
    const stage = page.getByTestId('frame-stage');
    await stage.click();
    for (let i = 1; i <= 3; i += 1) {
      await page.keyboard.press('ArrowRight');
      await expectFrameOnScreen(i);
    }
    await page.keyboard.press('Shift+ArrowRight');
    await expectFrameOnScreen(13);
    await page.keyboard.press('End');
    await expectFrameOnScreen(FRAMES - 1);
    await page.keyboard.press('ArrowLeft');
    await expectFrameOnScreen(FRAMES - 2);
    await page.keyboard.press('Home');
    await expectFrameOnScreen(0);
    // A burst of presses faster than frames load: stale loads are dropped, the last one wins.
    for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowRight', { delay: 0 });
    await expectFrameOnScreen(7);
    await page.locator('input[name="goto"]').fill('42');
    await page.locator('input[name="goto"]').press('Enter');
    await expectFrameOnScreen(42);
  });

  it('sets onset, apex and offset with O, A and F, creating the event', async () => {
    const marker = (kind: string) => page.locator(`[data-marker="${kind}"] dd`).textContent();
    await placeMarkers([10, 15, 20], expectFrameOnScreen);
    await expect.poll(() => marker('onset')).toBe('10');
    await expect.poll(() => marker('apex')).toBe('15');
    await expect.poll(() => marker('offset')).toBe('20');
    await page.keyboard.press('Shift+O');
    await expectFrameOnScreen(10);
  });

  it('draws the difference to the onset frame: black at the onset, bright where frames differ', async () => {
    /** Centre pixel of the overlay layer (the stage's second canvas). */
    const overlayPixel = () =>
      page.evaluate(() => {
        const canvas = document.querySelectorAll<HTMLCanvasElement>('[data-testid="frame-stage"] canvas')[1];
        const context = canvas?.getContext('2d');
        if (!canvas || !context) return [];
        return [...context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data];
      });
    await page.keyboard.press('Shift+4');
    await expect.poll(() => page.locator('input[name="layer-difference"]').isChecked()).toBe(true);
    // At the onset the difference is |f10 − f10| = 0 (amplified ×4, still dark).
    await expect.poll(async () => Math.max(...(await overlayPixel()).slice(0, 3))).toBeLessThan(40);
    // Frame 15's flat colour differs from frame 10's by ~81 grey levels: ×4 saturates.
    await page.locator('input[name="goto"]').fill('15');
    await page.locator('input[name="goto"]').press('Enter');
    await expectFrameOnScreen(15);
    await expect.poll(async () => Math.min(...(await overlayPixel()).slice(0, 3))).toBeGreaterThan(200);
    await page.keyboard.press('Shift+4');
  });

  it('plays with L, stops with K, and the number shown is still the frame drawn', async () => {
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('Home');
    await expectFrameOnScreen(0);
    await page.keyboard.press('l');
    await page.keyboard.press('l'); // 1× (30 fps)
    await expect.poll(async () => Number(await page.getByTestId('frame-number').textContent()), { timeout: 10_000 }).toBeGreaterThan(5);
    await page.keyboard.press('k');
    const stopped = Number(await page.getByTestId('frame-number').textContent());
    await expectFrameOnScreen(stopped);
    await page.waitForTimeout(200);
    expect(Number(await page.getByTestId('frame-number').textContent())).toBe(stopped);
  });

  it('edits AUs (picker + FACS text with positioned errors), emotion, class and description; autosaves', async () => {
    const facs = page.locator('input[name="facs"]');
    await facs.fill('1++2');
    // The character is marked and named by its place counted from 1, as a person counts it.
    await expect.poll(() => page.getByTestId('facs-status').textContent()).toMatch(/Empty code between separators at character 3$/);
    expect(await page.getByTestId('facs-status').locator('mark').textContent()).toBe('+');
    // SAMM's notation: a choice, a reference, an AD code and a note; removing a chip edits the codes.
    await facs.fill('(R6 or R12)+ref(7B)+AD38+R15+soft focus');
    const chips = page.getByTestId('facs-status').locator('.chips li');
    await expect.poll(() => chips.allTextContents()).toEqual(['R6×', 'R12×', 'ref(7B)×', 'AD38×', 'R15×']);
    await page.getByRole('button', { name: /R12/ }).click();
    await expect.poll(() => facs.inputValue()).toBe('R6+ref(7B)+AD38+R15+soft focus');
    // The picker adds before the note, which comes last.
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => facs.inputValue()).toBe('R6+ref(7B)+AD38+R15+1+soft focus');
    await facs.fill('1+2');
    await page.locator('select[name="au-number"]').selectOption('12');
    await page.locator('select[name="au-side"]').selectOption('L');
    await page.locator('select[name="au-intensity"]').selectOption('C');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => facs.inputValue()).toBe('1+2+L12C');
    await page.locator('select[name="emotion"]').selectOption('surprise');
    await page.locator('select[name="label3"]').selectOption('surprise');
    await page.locator('textarea[name="description"]').fill('Inner and outer brows raised; left lip corner pulled.');
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 5000 }).toBe('saved');
    await screenshot('ui-annotate-en');
  });

  it('keeps everything across a page reload, with provenance, and undo restores the previous value', async () => {
    const left = Number(await page.getByTestId('frame-number').textContent());
    await page.reload();
    await openFromCorpus();
    // The clip reopens where it was left.
    await expectFrameOnScreen(left);
    const marker = (kind: string) => page.locator(`[data-marker="${kind}"] dd`).textContent();
    await expect.poll(() => marker('onset')).toBe('10');
    expect(await marker('apex')).toBe('15');
    expect(await marker('offset')).toBe('20');
    await expect.poll(() => page.locator('input[name="facs"]').inputValue()).toBe('1+2+L12C');
    expect(await page.locator('select[name="emotion"]').inputValue()).toBe('surprise');
    expect(await page.locator('select[name="label3"]').inputValue()).toBe('surprise');
    expect(await page.locator('textarea[name="description"]').inputValue()).toBe('Inner and outer brows raised; left lip corner pulled.');
    expect(await page.getByTestId('annotation-provenance').getAttribute('data-provenance')).toBe('manual');

    // A new edit, then Ctrl+Z: the previous value comes back and is what gets saved.
    await page.locator('textarea[name="description"]').fill('Changed my mind.');
    await page.locator('textarea[name="description"]').blur();
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('textarea[name="description"]').inputValue()).toBe('Inner and outer brows raised; left lip corner pulled.');
    // Markers are edits too: move the onset, undo, redo, undo.
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('Home');
    await page.keyboard.press('o');
    await expect.poll(() => marker('onset')).toBe('0');
    await page.keyboard.press('Control+z');
    await expect.poll(() => marker('onset')).toBe('10');
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 5000 }).toBe('saved');
    await page.reload();
    await openFromCorpus();
    await expect.poll(() => page.locator('textarea[name="description"]').inputValue()).toBe('Inner and outer brows raised; left lip corner pulled.');
    expect(await marker('onset')).toBe('10');
  });

  it('never loses an edit made just before the window goes away (flushed on unload)', async () => {
    const description = page.locator('textarea[name="description"]');
    await description.fill('Written right before closing.');
    // No waiting for the debounce: the unload flush must carry it.
    await page.reload();
    await openFromCorpus();
    await expect.poll(() => description.inputValue()).toBe('Written right before closing.');
  });

  it('drags the offset marker on the timeline, and undo puts it back', async () => {
    const marker = (kind: string) => page.locator(`[data-marker="${kind}"] dd`).textContent();
    await expect.poll(() => marker('offset')).toBe('20');
    const box = (await page.getByTestId('timeline').boundingBox())!;
    // The timeline starts fully zoomed out over FRAMES frames: frame f sits at (f + 0.5) / FRAMES of the width.
    const xOf = (frame: number) => box.x + ((frame + 0.5) / FRAMES) * box.width;
    await page.mouse.move(xOf(20), box.y + 40);
    await page.mouse.down();
    await page.mouse.move(xOf(26), box.y + 40, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => marker('offset')).toBe('26');
    await page.keyboard.press('Control+z');
    await expect.poll(() => marker('offset')).toBe('20');
  });

  it('shows the shortcut help and every view in English and Simplified Chinese', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('help-overlay').waitFor();
    await screenshot('ui-help-en');
    await page.keyboard.press('?');
    await page.locator('[data-view="settings"]').click();
    await screenshot('ui-settings-en');
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await screenshot('ui-settings-zh-CN');
    await page.locator('[data-view="corpus"]').click();
    await screenshot('ui-corpus-zh-CN');
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('frame-number').waitFor();
    await screenshot('ui-annotate-zh-CN');
    await page.keyboard.press('?');
    await page.getByTestId('help-overlay').waitFor();
    await screenshot('ui-help-zh-CN');
    await page.keyboard.press('?');
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.locator('select[name="theme"]').selectOption('light');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('frame-number').waitFor();
    await screenshot('ui-annotate-light-en');
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="theme"]').selectOption('dark');
  });

  it('rebinds a shortcut in Settings and the new key works at once', async () => {
    await page.locator('[data-view="settings"]').click();
    await page.locator('input[name="shortcut-marker.apex"]').press('Shift+I');
    await expect.poll(() => page.locator('input[name="shortcut-marker.apex"]').inputValue()).toBe('Shift+I');
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('frame-stage').click();
    await page.locator('input[name="goto"]').fill('12');
    await page.locator('input[name="goto"]').press('Enter');
    await expectFrameOnScreen(12);
    await page.keyboard.press('Shift+I');
    await expect.poll(() => page.locator('[data-marker="apex"] dd').textContent()).toBe('12');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-marker="apex"] dd').textContent()).toBe('15');
    await page.locator('[data-view="settings"]').click();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => page.locator('input[name="shortcut-marker.apex"]').inputValue()).toBe('A');
  });

  it('finds the face on a real photo clip and draws its landmarks and 29 ROIs', async () => {
    // A 12-frame clip of a real face photo shipped with @vladmandic/face-api (MIT).
    writeFileSync(join(dir, 'face.png'), await frontalFace());
    const faceClip = join(dir, 'face-clip.mp4');
    const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', join(dir, 'face.png'), '-frames:v', '12', '-vf', 'scale=320:320', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', faceClip]);
    expect(made.status, made.stderr.toString()).toBe(0);
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="clip-path"]').fill(faceClip);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await expectFramePainted(0);
    await page.getByTestId('find-face').click();
    await expect.poll(() => page.getByTestId('face-status').textContent(), { timeout: 90_000 }).toMatch(/Face on frame 0: 468 landmarks, 29 ROIs/);
    expect(await page.locator('input[name="layer-rois"]').isChecked()).toBe(true);
    await page.locator('input[name="layer-landmarks"]').check();
    await screenshot('ui-annotate-face-en');
  });

  it('previews a dataset sheet with its per-row problems, then imports the valid rows', async () => {
    const root = join(dir, 'casme2');
    await writeSequence(root, ['sub01', 'EP01_1'], 1, 12);
    await writeSequence(root, ['sub02', 'EP02_3'], 1, 12);
    const sheet = await writeSheet(join(dir, 'coding.xlsx'), [
      CASME2_HEADER,
      ['01', 'EP01_1', 2, 5, 9, '', '1+2', 'surprise'],
      ['02', 'EP02_3', 9, 5, 3, '', '4++7', 'disgust'],
    ]);
    await page.locator('[data-view="corpus"]').click();
    await page.getByText('Import a dataset sheet').click();
    await page.locator('input[name="import-sheet"]').fill(sheet);
    await page.locator('input[name="import-root"]').fill(root);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.textContent()).toMatch(/^2 rows, 1 to import; 4 errors, 0 warnings/);
    // The layout was guessed from the header (the panel's default), and problems are grouped by kind.
    expect(await page.getByTestId('import-layout').textContent()).toMatch(/^Layout: CASME II \(guessed: header row 1 .* is the CASME II layout\)$/);
    const groups = page.getByTestId('import-groups');
    expect(await groups.locator('li[data-kind="frame-order"]').textContent()).toMatch(/^1 row: onset, apex and offset out of order \(first at row 3, /);
    expect(await groups.locator('li[data-kind="aus-not-facs"]').textContent()).toMatch(/^1 row: AU text not FACS \(first at row 3, Action Units: action units '4\+\+7'/);
    expect(await preview.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await preview.locator('tbody').textContent()).toMatch(/3/);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-import-en.png'), fullPage: true });
    await page.getByText('Skip flagged rows').click();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => preview.textContent()).toMatch(/Imported 1 event in 1 new clip; 1 row skipped/);
    await expect.poll(() => page.getByTestId('clip-queue').locator('tbody tr').count()).toBe(3);
    // The same sheet again: the imported row is already present (a warning, skipped), not a row gone wrong.
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => preview.locator('p').first().textContent()).toBe('2 rows, 0 to import; 4 errors, 1 warning 1 row already present, skipped.');
  });

  it('runs the analysis on a synthetic AU1+2 clip: flow overlay drawn, suggestion accepted, provenance kept', async () => {
    // A 30-frame 256×192 clip of a real face photo (face-api sample3, MIT) with AU1+2 injected (onset 8, apex 12, offset 18).
    const synthPath = await writeMeClipVideo(join(dir, 'synth-me'));
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="clip-path"]').fill(synthPath);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await expectFramePainted(0);
    await placeMarkers([8, 12, 18], expectFramePainted);
    await expect.poll(() => page.locator('[data-marker="offset"] dd').textContent()).toBe('18');

    await page.getByRole('button', { name: 'Analyse event' }).click();
    const suggestedAus = page.locator('[data-testid="suggestions"] [data-field="aus"] .value');
    await expect.poll(() => suggestedAus.textContent().catch(() => ''), { timeout: 180_000 }).toMatch(/^(?=.*\b1[A-E]?\b)(?=.*\b2[A-E]?\b)/);
    // No LLM is configured in the test profile: the deterministic describer wrote it.
    expect(await page.getByTestId('suggestion-source').getAttribute('data-source')).toBe('rules');
    expect(await page.locator('[data-testid="suggestions"] [data-field="label3"] .value').textContent()).toBe('Surprise');

    // Only the flow layer on: the overlay canvas must then hold the flow image's pixels.
    for (const layer of ['difference', 'rois', 'landmarks']) {
      const box = page.locator(`input[name="layer-${layer}"]`);
      if (await box.isChecked()) await box.uncheck();
    }
    const flowBox = page.locator('input[name="layer-flow"]');
    if (!(await flowBox.isChecked())) await flowBox.check();
    await page.locator('input[name="goto"]').fill('12');
    await page.locator('input[name="goto"]').press('Enter');
    await expectFramePainted(12);
    await expect.poll(() => overlayPixels(), { timeout: 20_000 }).toBeGreaterThan(500);
    await page.locator('input[name="layer-rois"]').check();
    await page.getByTestId('suggestions').scrollIntoViewIfNeeded();
    await screenshot('ui-annotate-analysed-en');

    for (const field of ['aus', 'emotion', 'label3', 'description']) {
      const accept = page.locator(`[data-testid="suggestions"] [data-field="${field}"]`).getByRole('button', { name: 'Accept' });
      if (await accept.count()) await accept.click();
    }
    await expect.poll(() => page.getByTestId('annotation-provenance').getAttribute('data-provenance')).toBe('accepted');
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 5000 }).toBe('saved');
    const acceptedAus = await page.locator('input[name="facs"]').inputValue();
    expect(acceptedAus).toBe(await suggestedAus.textContent());

    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
    // The view reopens the clip where it was left; the overlay is per event, drawn on every frame.
    await expectFramePainted(12);
    await expect.poll(() => overlayPixels(), { timeout: 20_000 }).toBeGreaterThan(500);
    await page.getByTestId('suggestions').scrollIntoViewIfNeeded();
    await screenshot('ui-annotate-analysed-zh-CN');
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    await page.reload();
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').locator('tr', { hasText: 'synth-me' }).getByRole('button', { name: 'Annotate' }).click();
    await expectFramePainted(12);
    await expect.poll(() => page.getByTestId('annotation-provenance').getAttribute('data-provenance')).toBe('accepted');
    expect(await page.locator('input[name="facs"]').inputValue()).toBe(acceptedAus);
    await expect.poll(() => suggestedAus.textContent().catch(() => '')).toBe(acceptedAus);
  }, 240_000);

  it('ran without console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
