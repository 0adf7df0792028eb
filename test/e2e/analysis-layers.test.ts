import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser';
import { useAppPage } from '../helpers/app-page';
import { writeMeClipVideo } from '../helpers/synth-clip';

/**
 * The analysis layers as a person reads them: the flow overlay's legend and fixed scale,
 * arrows that are arrows, the overlay kept inside the frame at any window size, the
 * timeline's motion curve on its scale with draggable marker flags, and the description
 * and ROI labels in Chinese when the UI is.
 */
const app = useAppPage();
const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = () => app().page;
const screenshot = (name: string) => page().screenshot({ path: join(ARTIFACTS, `${name}.png`) });

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly painted: number;
}

/** The box of painted pixels on one of the stage's canvases (0: the frame, 1: the overlays), device pixels. */
function paintedBox(index: 0 | 1): Promise<Box | null> {
  return page().evaluate((index) => {
    const canvas = document.querySelectorAll<HTMLCanvasElement>('[data-testid="frame-stage"] canvas')[index];
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return null;
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    let [x0, y0, x1, y1, painted] = [width, height, -1, -1, 0];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        if (data[(y * width + x) * 4 + 3]! === 0) continue;
        painted += 1;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    return painted ? { x0, y0, x1, y1, painted } : null;
  }, index);
}

/** Mean colourfulness (max − min channel) of the overlay canvas' painted pixels: how strongly the flow is coloured. */
function overlayColourfulness(): Promise<number> {
  return page().evaluate(() => {
    const canvas = document.querySelectorAll<HTMLCanvasElement>('[data-testid="frame-stage"] canvas')[1];
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! === 0) continue;
      sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
      count += 1;
    }
    return count ? sum / count : 0;
  });
}

/** The texts Konva draws on the stage (ROI labels), read from the stage's own nodes. */
function stageTexts(): Promise<string[]> {
  return page().evaluate(() => {
    const konva = (window as unknown as { Konva?: { stages: Array<{ find(selector: string): Array<{ text(): string }> }> } }).Konva;
    return (konva?.stages ?? []).flatMap((stage) => stage.find('Text').map((node) => node.text()));
  });
}

/** Pixels of the timeline canvas in the curve's accent colour (#4fb3ff, the dark theme's). */
function curvePixels(): Promise<number> {
  return page().evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="timeline"] canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 0x4f) < 24 && Math.abs(data[i + 1]! - 0xb3) < 24 && Math.abs(data[i + 2]! - 0xff) < 24) count += 1;
    return count;
  });
}

const marker = (kind: string) => page().locator(`[data-marker="${kind}"] dd`).textContent();

async function setLayers(on: readonly string[]): Promise<void> {
  for (const layer of ['difference', 'flow', 'rois', 'landmarks']) {
    const box = page().locator(`input[name="layer-${layer}"]`);
    if ((await box.isChecked()) !== on.includes(layer)) await box.setChecked(on.includes(layer));
  }
}

async function goToFrame(frame: number): Promise<void> {
  await page().locator('input[name="goto"]').fill(String(frame));
  await page().locator('input[name="goto"]').press('Enter');
  await expect.poll(() => page().getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(frame));
}

/** Zooms the stage in about 4× around its centre (the face), where every ROI box is wide enough for its label. */
async function zoomIn(): Promise<void> {
  const stage = (await page().getByTestId('frame-stage').boundingBox())!;
  await page().mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
  for (let i = 0; i < 3; i += 1) await page().mouse.wheel(0, -300);
}

async function setLanguage(language: 'en' | 'zh-CN', heading: string): Promise<void> {
  await page().locator('[data-view="settings"]').click();
  await page().locator('select[name="language"]').selectOption(language);
  await page().getByRole('heading', { name: heading }).waitFor();
  await page().locator('[data-view="annotate"]').click();
}

describe('readable analysis layers in Chromium over the bridge', () => {
  it('spots and analyses a synthetic AU1+2 clip from the corpus, then opens it with its analysis', async () => {
    const synthPath = await writeMeClipVideo(join(dir, 'synth-me'));
    await page().goto(app().bridge.url);
    await page().evaluate(() => fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ annotator: 'e2e-layers' }) }));
    await page().reload();
    await page().locator('[data-view="corpus"]').click();
    await page().locator('input[name="workspace-path"]').fill(join(dir, 'layers.mellm'));
    await page().getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page().getByTestId('workspace-info').textContent()).toContain('0 clips');
    await page().locator('input[name="clip-path"]').fill(synthPath);
    await page().getByRole('button', { name: 'Add and annotate' }).click();
    await page().getByTestId('frame-number').waitFor();
    await page().locator('[data-view="corpus"]').click();
    await page().getByRole('button', { name: /^Analyse all/ }).click();
    const workspace = () => app().services.workspaces.require();
    await expect.poll(async () => (await workspace().events.listForClip(1)).length, { timeout: 180_000 }).toBe(1);
    const [event] = await workspace().events.listForClip(1);
    await expect.poll(async () => (await workspace().analyses.listForEvent(event!.id)).length, { timeout: 180_000 }).toBe(1);
    await page().getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await expect.poll(() => marker('onset')).toBe(String(event!.onset));
    await expect.poll(() => page().locator('[data-testid="suggestions"] [data-field="aus"] .value').textContent().catch(() => '')).toMatch(/\b1[A-E]?\b/);
  }, 300_000);

  it('draws the flow overlay with a legend: colour key, full scale and largest motion in px', async () => {
    await setLayers(['flow']);
    const apex = Number(await marker('apex'));
    await goToFrame(apex);
    const legend = page().getByTestId('flow-legend');
    await legend.waitFor({ timeout: 20_000 });
    await expect.poll(() => page().getByTestId('flow-legend-scale').textContent()).toMatch(/^Rim = \d+(\.\d+)? px$/);
    expect(await page().getByTestId('flow-legend-largest').textContent()).toMatch(/^Largest motion \d+(\.\d+)? px$/);
    // At auto scale the rim is the largest motion.
    const number = (text: string | null) => Number(text?.match(/\d+(\.\d+)?/)?.[0]);
    expect(number(await page().getByTestId('flow-legend-scale').textContent())).toBe(number(await page().getByTestId('flow-legend-largest').textContent()));
    const key = await page().getByTestId('flow-legend-key').evaluate((image: HTMLImageElement) => ({ complete: image.complete, width: image.naturalWidth }));
    expect(key).toEqual({ complete: true, width: 65 });
    // The legend sits inside the stage and the viewport.
    const [stageBox, legendBox] = [await page().getByTestId('frame-stage').boundingBox(), await legend.boundingBox()];
    expect(legendBox!.x).toBeGreaterThanOrEqual(stageBox!.x);
    expect(legendBox!.y + legendBox!.height).toBeLessThanOrEqual(Math.min(stageBox!.y + stageBox!.height, 720));
    await expect.poll(async () => (await paintedBox(1))?.painted ?? 0, { timeout: 20_000 }).toBeGreaterThan(500);
    await screenshot('layers-legend-en');
  });

  it('a fixed scale reaches the overlay: the smaller the scale, the stronger the colour', async () => {
    await page().locator('select[name="flow-mode"]').selectOption('wheel');
    await expect.poll(() => overlayColourfulness(), { timeout: 20_000 }).toBeGreaterThan(0);
    const colourAt = async (scale: string, legend: string) => {
      const before = await overlayColourfulness();
      await page().locator('select[name="flow-scale"]').selectOption(scale);
      await expect.poll(() => page().getByTestId('flow-legend-scale').textContent()).toBe(legend);
      // The drawn layer changes a frame after the legend: wait until it shows a colouring other than before.
      let now = before;
      await expect.poll(async () => (now = await overlayColourfulness()), { timeout: 20_000 }).toSatisfy((value: number) => value > 0 && value !== before);
      return now;
    };
    const five = await colourAt('5', 'Rim = 5.0 px');
    await screenshot('layers-scale-5px-en');
    const one = await colourAt('1', 'Rim = 1.0 px');
    expect(one).toBeGreaterThan(five * 1.2);
    // The largest motion is a property of the flow, not of the scale.
    expect(await page().getByTestId('flow-legend-largest').textContent()).toMatch(/^Largest motion \d+(\.\d+)? px$/);
    await page().locator('select[name="flow-scale"]').selectOption('auto');
  });

  it('Arrows draws arrows: a sparse transparent layer, not the MELLM HSV image', async () => {
    await page().locator('select[name="flow-mode"]').selectOption('hsv');
    await expect.poll(async () => (await paintedBox(1))?.painted ?? 0, { timeout: 20_000 }).toBeGreaterThan(500);
    const hsv = (await paintedBox(1))!;
    await page().locator('select[name="flow-mode"]').selectOption('arrows');
    await expect.poll(() => page().getByTestId('flow-legend-scale').textContent()).toMatch(/^Full arrow = /);
    // While the arrows image loads the layer is briefly empty: wait for arrows, drawn and sparse.
    const arrowsDrawn = async () => {
      const painted = (await paintedBox(1))?.painted ?? 0;
      return painted > 20 && painted < hsv.painted * 0.5;
    };
    await expect.poll(arrowsDrawn, { timeout: 20_000 }).toBe(true);
    await screenshot('layers-arrows-en');
    await page().locator('select[name="flow-mode"]').selectOption('hsv');
  });

  it('keeps the overlay inside the frame and refits it when the window changes size', async () => {
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
      await page().setViewportSize(viewport);
      await expect.poll(async () => (await paintedBox(0))?.x1 ?? 0).toBeGreaterThan(0);
      // Wait for the refit: the frame and the overlay settle on the new size together.
      await expect
        .poll(async () => {
          const [frame, overlay] = [await paintedBox(0), await paintedBox(1)];
          return !!frame && !!overlay && overlay.x0 >= frame.x0 && overlay.y0 >= frame.y0 && overlay.x1 <= frame.x1 && overlay.y1 <= frame.y1;
        })
        .toBe(true);
      if (viewport.width === 1920) await screenshot('layers-legend-1920-en');
    }
  });

  it('draws the motion curve as a line with its scale', async () => {
    const top = Number(await page().getByTestId('timeline').getAttribute('data-curve-top'));
    expect(top).toBeGreaterThan(0);
    expect(await page().getByTestId('timeline').getAttribute('title')).toBe('motion, % of face height');
    await expect.poll(() => curvePixels()).toBeGreaterThan(200);
  });

  it('drags the onset flag on the timeline: the stored event moves, and undo moves it back', async () => {
    const [event] = await app().services.workspaces.require().events.listForClip(1);
    const onset = event!.onset!;
    const frames = 30;
    const box = (await page().getByTestId('timeline').boundingBox())!;
    const xOf = (frame: number) => box.x + ((frame + 0.5) / frames) * box.width;
    // The flag is the square at the top of the marker line (22 px down the timeline).
    await page().mouse.move(xOf(onset), box.y + 26);
    await page().mouse.down();
    await page().mouse.move(xOf(onset - 3), box.y + 26, { steps: 6 });
    await page().mouse.up();
    await expect.poll(() => marker('onset')).toBe(String(onset - 3));
    const stored = async () => (await app().services.workspaces.require().events.require(event!.id)).onset;
    await expect.poll(stored, { timeout: 10_000 }).toBe(onset - 3);
    await page().keyboard.press('Control+z');
    await expect.poll(() => marker('onset')).toBe(String(onset));
    await expect.poll(stored, { timeout: 10_000 }).toBe(onset);
  });

  it('in 简体中文 the analysis writes a Chinese description and the ROI labels on the image are Chinese', async () => {
    await setLanguage('zh-CN', '设置');
    // The event has its analysis from Analyse all (English): the button offers to re-analyse it.
    await expect.poll(() => page().getByTestId('analyse').textContent()).toBe('重新分析');
    await page().getByRole('button', { name: '重新分析', exact: true }).click();
    const description = page().locator('[data-testid="suggestions"] [data-field="description"] .value');
    await expect.poll(() => description.textContent().catch(() => ''), { timeout: 180_000 }).toMatch(/^1\. 感兴趣区域分析/);
    // Analysed at the annotator's frames, the event keeps its motion curve on the timeline.
    await expect.poll(() => curvePixels()).toBeGreaterThan(100);
    await setLayers(['flow', 'rois']);
    // Zoom in on the face so every ROI box is wide enough for its label.
    await zoomIn();
    await expect.poll(() => stageTexts()).toContain('下巴');
    const labels = await stageTexts();
    await screenshot('layers-roi-labels-zh-CN');
    expect(labels.length).toBeGreaterThan(5);
    for (const label of labels) expect(label).toMatch(/^[\u4e00-\u9fff]+$/);
    await page().getByRole('button', { name: '适应', exact: true }).click();
    await expect.poll(() => page().getByTestId('flow-legend-scale').textContent()).toMatch(/^外圈 = [\d.]+ 像素$/);
    await screenshot('layers-annotate-zh-CN');
    await setLanguage('en', 'Settings');
    await zoomIn();
    await expect.poll(() => stageTexts()).toContain('Chin');
  }, 240_000);

  it('ran without console errors', () => {
    expect(app().errors).toEqual([]);
  });
});
