import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { clippedTexts, countInputs, pageOverflow, takeInputs } from './journey-checks';

/** The journey checks must see what a person sees: these pages have known clipping, overflow and input. */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 400, height: 300 } });
  await countInputs(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('journey checks', () => {
  it('finds text cut off by its box and text spilling out of it, and passes text that fits', async () => {
    await page.setContent(`
      <button id="fits" style="width:200px">Submit</button>
      <button id="clipped" style="width:40px;overflow:hidden;white-space:nowrap">Submit and go to the next clip</button>
      <span id="ellipsis" style="display:inline-block;width:30px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap">审核通过并继续</span>
      <div style="width:50px;white-space:nowrap"><label id="spills" style="display:block;width:50px">Request changes with a comment</label></div>
      <div data-scroll-area style="height:20px;overflow:auto">a long list<br>row<br>row<br>row</div>
      <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">Folder for screen readers</span>
      <input value="a value far longer than the field it is typed into" style="width:30px">`);
    const found = await clippedTexts(page);
    const texts = found.map((problem) => problem.text);
    expect(texts).toContain('Submit and go to the next clip');
    expect(texts).toContain('审核通过并继续');
    expect(texts).toContain('Request changes with a comment');
    expect(texts).not.toContain('Submit');
    expect(texts.some((text) => text.includes('long list'))).toBe(false);
    expect(texts).not.toContain('Folder for screen readers');
  });

  it('says when the page is taller than the viewport', async () => {
    await page.setContent('<div style="height:200px">short</div>');
    expect(await pageOverflow(page)).toBeNull();
    await page.setContent('<div style="height:900px">tall</div>');
    expect(await pageOverflow(page)).toMatchObject({ scrollHeight: 900 + 16, innerHeight: 300 });
  });

  it('counts trusted clicks, keys, wheels and scrolls, not events the page raises', async () => {
    // A navigation, not setContent: document.open() would drop the counters' listeners.
    await page.goto(`data:text/html,${encodeURIComponent('<button id="b">go</button><div style="height:2000px"></div>')}`);
    await takeInputs(page);
    await page.click('#b');
    await page.keyboard.press('Control+Enter');
    await page.evaluate(() => document.getElementById('b')?.click());
    await page.mouse.wheel(0, 300);
    await page.waitForFunction(() => window.scrollY > 0);
    const counts = await takeInputs(page);
    expect(counts).toMatchObject({ clicks: 1, keys: 1, wheels: 1 });
    expect(counts.scrolls).toBeGreaterThan(0);
    expect(await takeInputs(page)).toEqual({ clicks: 0, keys: 0, wheels: 0, scrolls: 0 });
  });
});
