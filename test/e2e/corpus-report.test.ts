import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCorpus } from '../../src/main/corpus/export';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { HOSTILE, hostileRecords } from '../helpers/corpus-records';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

// A real face photo (MIT, shipped in @vladmandic/face-api) stands in for the apex frame.
const FACE = join(import.meta.dirname, '../../node_modules/@vladmandic/face-api/demo/sample1.jpg');

describe('clinician session report in Chromium', () => {
  it('renders hostile text as text, shows embedded images, and requests nothing else', async () => {
    const folder = tempDir();
    const apexImage = { mime: 'image/jpeg' as const, data: readFileSync(FACE) };
    const records = hostileRecords().map((record) => ({ ...record, apexImage, flowOverlay: apexImage }));
    const { files } = await exportCorpus({ folder, formats: ['report'], records, includeImages: true, reportTitle: HOSTILE.script });
    const url = pathToFileURL(files[0]!.path).href;
    const page = await browser.newPage();
    const requested: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    await page.goto(url);
    await page.waitForLoadState('load');
    const facts = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      title: document.title,
      h2: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      images: [...document.images].map((img) => img.naturalWidth),
    }));
    await page.pdf({ path: join(ARTIFACTS, 'corpus-report.pdf') }).catch(() => undefined);
    await page.close();
    expect(facts.scripts).toBe(0);
    expect(dialogs).toEqual([]);
    expect(facts.title).toBe(HOSTILE.script);
    expect(facts.h2).toContain(HOSTILE.script);
    expect(facts.h2).toContain(HOSTILE.traversal);
    expect(facts.images).toHaveLength(6);
    for (const width of facts.images) expect(width).toBeGreaterThan(0);
    expect(requested.filter((request) => request !== url && !request.startsWith('data:'))).toEqual([]);
  });
});
