import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Services } from '../../src/main/api/context';
import { rendererDir } from '../../src/main/paths';
import type { Bridge } from '../../src/main/transport/bridge';
import { launchChromium } from './browser';
import { startTestBridge } from './bridge';

export interface AppPage {
  readonly bridge: Bridge;
  readonly services: Services;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
}

/**
 * Registers beforeAll/afterAll that start the built renderer behind a real bridge (own
 * user-data folder) and open it in headless Chromium; the returned getter gives the page.
 */
export function useAppPage(viewport = { width: 1280, height: 720 }): () => AppPage {
  let state: AppPage | undefined;
  let browser: Browser | undefined;
  const userData = mkdtempSync(join(tmpdir(), 'mellm-e2e-'));
  beforeAll(async () => {
    if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
    const { bridge, services } = await startTestBridge({ userDataDir: userData });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    state = { bridge, services, page, errors };
  });
  afterAll(async () => {
    await browser?.close();
    await state?.bridge.close();
    rmSync(userData, { recursive: true, force: true });
  });
  return () => {
    if (!state) throw new Error('useAppPage: the page is not open yet');
    return state;
  };
}

/** Names the annotator (and language) through the real settings channel, opens a workspace file and reloads: the app as a coder finds it. */
export async function openWorkspaceAs(page: Page, url: string, file: string, settings: { readonly annotator: string; readonly language?: string }): Promise<void> {
  await page.goto(url);
  await page.evaluate(
    async ({ path, body }) => {
      await fetch('/api/settings.update', { method: 'POST', body });
      await fetch('/api/workspace.open', { method: 'POST', body: JSON.stringify({ path }) });
    },
    { path: file, body: JSON.stringify(settings) },
  );
  await page.reload();
}

/** From the Corpus view, opens the workspace's first clip in the Annotate view. */
export async function annotateFirstClip(page: Page): Promise<void> {
  await page.locator('[data-view="corpus"]').click();
  await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
  // The open lands in its own time; a click elsewhere before it does would keep that view.
  await page.locator('[data-view="annotate"][aria-current="page"]').waitFor();
}
