import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../helpers/browser';

/**
 * What a journey test measures about the person driving the page: the trusted inputs they
 * gave, whether the page had to scroll, and whether any text is clipped or spills out of
 * its box. Counted in the page itself so synthetic events the app raises do not count.
 */

export interface InputCounts {
  readonly clicks: number;
  readonly keys: number;
  readonly wheels: number;
  /** Scroll events of the document or any element except scroll areas marked `data-scroll-area` (lists, logs). */
  readonly scrolls: number;
}

declare global {
  interface Window {
    __journey?: { clicks: number; keys: number; wheels: number; scrolls: number };
  }
}

/** Starts counting trusted clicks, key presses, wheel events and page scrolls on every page load. */
export async function countInputs(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const counts = { clicks: 0, keys: 0, wheels: 0, scrolls: 0 };
    window.__journey = counts;
    window.addEventListener('click', (event) => { if (event.isTrusted) counts.clicks += 1; }, true);
    window.addEventListener('keydown', (event) => {
      // Modifier keys alone are part of a chord, not a press of their own.
      if (event.isTrusted && !['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) counts.keys += 1;
    }, true);
    window.addEventListener('wheel', (event) => { if (event.isTrusted) counts.wheels += 1; }, { capture: true, passive: true });
    document.addEventListener('scroll', (event) => {
      const target = event.target;
      if (target instanceof Element && target.closest('[data-scroll-area]')) return;
      counts.scrolls += 1;
    }, { capture: true, passive: true });
  });
}

/** Reads and zeroes the counters (one call per journey step). */
export async function takeInputs(page: Page): Promise<InputCounts> {
  return page.evaluate(() => {
    const counts = window.__journey ?? { clicks: 0, keys: 0, wheels: 0, scrolls: 0 };
    const taken = { ...counts };
    counts.clicks = 0;
    counts.keys = 0;
    counts.wheels = 0;
    counts.scrolls = 0;
    return taken;
  });
}

/** Whether the document is taller or wider than the viewport (the person would have to scroll). */
export async function pageOverflow(page: Page): Promise<{ scrollHeight: number; innerHeight: number; scrollWidth: number; innerWidth: number } | null> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const size = { scrollHeight: root.scrollHeight, innerHeight: window.innerHeight, scrollWidth: root.scrollWidth, innerWidth: window.innerWidth };
    return size.scrollHeight > size.innerHeight + 1 || size.scrollWidth > size.innerWidth + 1 ? size : null;
  });
}

export interface ClippedText {
  readonly text: string;
  readonly element: string;
  readonly why: 'clipped' | 'overflows';
}

/**
 * Visible text the person cannot read whole: text in a box that hides its overflow and is
 * wider or taller than the box (clipped), or text whose line boxes leave its element's box
 * (overflows). Scroll areas and inputs are exempt: their content is meant to move.
 */
export async function clippedTexts(page: Page): Promise<ClippedText[]> {
  return page.evaluate(() => {
    const found: { text: string; element: string; why: 'clipped' | 'overflows' }[] = [];
    const describe = (element: Element): string => {
      const id = element.id ? `#${element.id}` : '';
      const testId = element.getAttribute('data-testid');
      const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      return `${element.tagName.toLowerCase()}${id}${classes}${testId ? `[data-testid=${testId}]` : ''}`;
    };
    const exempt = (element: Element): boolean =>
      element.closest('input, textarea, select, canvas, svg, [data-scroll-area], [aria-hidden="true"]') !== null;
    const visible = (element: Element): boolean => {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) return false;
      const style = getComputedStyle(element);
      // Text for screen readers only (a 1 px box cut to nothing) is hidden on purpose.
      if (rect.width <= 1 && rect.height <= 1 && style.clip === 'rect(0px, 0px, 0px, 0px)') return false;
      return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(), budget = 20_000; node && budget > 0; node = walker.nextNode(), budget -= 1) {
      const text = (node.textContent ?? '').trim();
      const element = node.parentElement;
      if (!text || !element || seen.has(element) || exempt(element) || !visible(element)) continue;
      seen.add(element);
      const range = document.createRange();
      range.selectNodeContents(node);
      const textBox = range.getBoundingClientRect();
      // The nearest box that hides overflow decides what the person sees of this text: it is
      // clipped when the box overflows and this text reaches past the box's edges (a box
      // that holds a larger canvas beside the text does not cut the text).
      for (let box: Element | null = element; box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box);
        const hides = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY) || style.textOverflow === 'ellipsis';
        if (!hides) continue;
        const html = box as HTMLElement;
        const edge = html.getBoundingClientRect();
        const left = edge.left + html.clientLeft;
        const top = edge.top + html.clientTop;
        const past = textBox.left < left - 1 || textBox.top < top - 1 || textBox.right > left + html.clientWidth + 1 || textBox.bottom > top + html.clientHeight + 1;
        if ((html.scrollWidth > html.clientWidth + 1 || html.scrollHeight > html.clientHeight + 1) && past) {
          found.push({ text: text.slice(0, 80), element: describe(box), why: 'clipped' });
        }
        break;
      }
      const own = element.getBoundingClientRect();
      if (textBox.right > own.right + 2 || textBox.left < own.left - 2 || textBox.bottom > own.bottom + 2) {
        found.push({ text: text.slice(0, 80), element: describe(element), why: 'overflows' });
      }
    }
    return found;
  });
}

/** Whether the element's box lies wholly inside the viewport. */
export async function insideViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return rect.width > 0 && rect.top >= 0 && rect.left >= 0 && rect.bottom <= window.innerHeight + 1 && rect.right <= window.innerWidth + 1;
  });
}

export const JOURNEY_VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

export const JOURNEY_ARTIFACTS = join(ARTIFACTS, 'journeys');

/**
 * Saves the step at both journey viewports (restoring the first) and returns the clipped
 * texts found at each, so one call checks and records a step.
 */
export async function recordStep(page: Page, journey: string, step: string, language: string): Promise<ClippedText[]> {
  mkdirSync(JOURNEY_ARTIFACTS, { recursive: true });
  const original = page.viewportSize() ?? JOURNEY_VIEWPORTS[0];
  const problems: ClippedText[] = [];
  for (const viewport of JOURNEY_VIEWPORTS) {
    await page.setViewportSize(viewport);
    // Layout and canvases refit on resize; give them a frame to do it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: join(JOURNEY_ARTIFACTS, `${journey}-${step}-${language}-${viewport.width}x${viewport.height}.png`) });
    for (const problem of await clippedTexts(page)) problems.push({ ...problem, text: `${viewport.width}x${viewport.height}: ${problem.text}` });
  }
  await page.setViewportSize(original);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return problems;
}
