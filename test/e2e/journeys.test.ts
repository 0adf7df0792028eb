/**
 * The users' whole journeys (issue #20, "Done when" 1–6) in Chromium over the bridge, on
 * the generated demo corpus, as one person after another drives the same page: the
 * annotator labels three clips in a row, the reviewer reviews them, a mistake is deleted
 * and undone, two tabs collide on one label, the file picker stays inside its root, and
 * every step is screenshotted at 1280×720 and 1920×1080 in English and 简体中文 with a
 * check for clipped or overflowing text.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/shared/workspace';
import { useAppPage } from '../helpers/app-page';
import { writeSequence } from '../helpers/corpus';
import { countInputs, insideViewport, pageOverflow, recordStep, takeInputs, type ClippedText, type InputCounts } from './journey-checks';

const app = useAppPage({ width: 1280, height: 720 });
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mellm-e2e-journeys-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opening a clip probes its media and an analysis runs the models: seconds on a busy machine. */
const until = <T,>(read: () => Promise<T> | T, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });
const ws = () => app().services.workspaces.require();

/** The events the annotator labelled in journey 1, in the order she labelled them. */
const labelled: number[] = [];
/** The fourth clip's own event, where journey 3 made its accident and journey 4 edits in two tabs. */
let mistakesEvent = 0;
/** The comment the reviewer asks changes with. */
const COMMENT = 'Add AU4: the brows lower too.';

function sum(a: InputCounts, b: InputCounts): InputCounts {
  return { clicks: a.clicks + b.clicks, keys: a.keys + b.keys, wheels: a.wheels + b.wheels, scrolls: a.scrolls + b.scrolls };
}

/** Every file under `folder`, by its path inside it. */
function files(folder: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.set(relative(folder, path), readFileSync(path, 'utf8'));
    }
  };
  walk(folder);
  return found;
}

/** Data rows of a CSV (newlines inside quotes do not end a row), header excluded. */
function csvRows(text: string): number {
  let rows = 0;
  let quoted = false;
  for (const char of text.trim()) {
    if (char === '"') quoted = !quoted;
    else if (char === '\n' && !quoted) rows += 1;
  }
  return rows;
}

/** Timestamps an export writes (EAF dates, the report's time) do not say what was exported. */
const withoutTimes = (text: string) => text.replace(/\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?/g, '<time>');

describe('the users\' journeys on the demo corpus in Chromium', () => {
  const page = () => app().page;
  const nav = (view: string) => page().locator(`nav button[data-view="${view}"]`).click();
  const lifecycle = () => page().getByTestId('label-lifecycle');
  const stored = async (eventId: number, annotator = 'ana') => (await ws().annotations.get(eventId, annotator)) as Annotation;
  const workAs = async (name: string) => {
    if ((await app().services.settings.get()).annotator === name) return;
    await nav('review');
    // The profiles start folded in a workspace that has some: unfold them once their rows are there.
    await until(() => page().getByTestId('profiles').locator('tr', { hasText: name }).count()).toBe(1);
    const profiles = page().locator('details.profiles');
    if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
    await page().getByTestId('profiles').locator('tr', { hasText: name }).getByRole('button', { name: 'Work as' }).click();
    await until(async () => (await app().services.settings.get()).annotator).toBe(name);
  };
  /** Fills and runs the Export view; returns the folder. */
  const exportAll = async (name: string, onlyApproved: boolean): Promise<string> => {
    const folder = join(dir, name);
    await nav('export');
    for (const box of await page().locator('input[type="checkbox"][name^="format-"]').all()) await box.check();
    const only = page().locator('input[name="onlyApproved"]');
    if (onlyApproved) await only.check();
    else await only.uncheck();
    await page().locator('input[name="export-folder"]').fill(folder);
    await page().locator('form:has(input[name="export-folder"]) button[type="submit"]').click();
    await page().getByTestId('export-files').waitFor({ timeout: 60_000 });
    return folder;
  };

  it('1 · annotator: start page → demo corpus → three clips in a row, each opened at its onset, analysed, accepted, submitted & next, no scroll', async () => {
    const { page: p, bridge } = app();
    const problems: ClippedText[] = [];
    await countInputs(p);
    await p.goto(bridge.url);
    await p.getByTestId('open-demo').waitFor();
    problems.push(...(await recordStep(p, 'annotator', '1-start', 'en')));

    await p.getByTestId('open-demo').click();
    const prompt = p.getByTestId('annotator-prompt');
    await prompt.waitFor();
    await prompt.locator('input[name="annotator-name"]').fill('ana');
    problems.push(...(await recordStep(p, 'annotator', '2-name', 'en')));
    await prompt.getByRole('button', { name: 'Save name' }).click();
    await p.getByTestId('clip-queue').waitFor({ timeout: 240_000 });
    await until(() => p.locator('[data-testid="clip-queue"] tbody tr').count(), 120_000).toBe(6);
    expect(await p.locator('nav [aria-current="page"]').getAttribute('data-view')).toBe('corpus');
    problems.push(...(await recordStep(p, 'annotator', '3-corpus', 'en')));

    const measured: InputCounts[] = [];
    await takeInputs(p);
    // The first clip from the queue; the next two come by Submit & next.
    await p.getByTestId('clip-queue').locator('tbody tr').first().getByRole('button', { name: 'Annotate' }).click();
    for (let clip = 1; clip <= 3; clip += 1) {
      let inputs: InputCounts = { clicks: 0, keys: 0, wheels: 0, scrolls: 0 };
      await until(() => lifecycle().getAttribute('data-event')).toMatch(/^\d+$/);
      const eventId = Number(await lifecycle().getAttribute('data-event'));
      expect(labelled).not.toContain(eventId);
      const event = await ws().events.require(eventId);
      await until(() => p.getByTestId('frame-number').textContent()).toBe(String(event.onset));

      await p.getByTestId('analyse').click();
      const aus = p.locator('[data-testid="suggestions"] [data-field="aus"] .value');
      await until(() => aus.textContent().catch(() => ''), 180_000).toMatch(/\d/);
      await p.getByTestId('accept-all').click();
      await until(() => p.getByTestId('accept-all').textContent()).toBe('✓ All accepted');
      await until(() => p.getByTestId('save-status').getAttribute('data-status'), 10_000).toBe('saved');
      // The screenshots resize the window: what that does is not the person's input.
      inputs = sum(inputs, await takeInputs(p));
      problems.push(...(await recordStep(p, 'annotator', `4-clip${clip}-accepted`, 'en')));
      await takeInputs(p);
      expect(await pageOverflow(p)).toBeNull();
      const panel = await p.getByTestId('suggestions').boundingBox();
      expect(await insideViewport(p, '[data-testid="suggestions"]'), JSON.stringify(panel)).toBe(true);

      await lifecycle().getByTestId('submit-next').click();
      await until(async () => (await stored(eventId))?.status).toBe('submitted');
      if (clip < 3) await until(() => lifecycle().getAttribute('data-event')).not.toBe(String(eventId));
      inputs = sum(inputs, await takeInputs(p));
      measured.push(inputs);
      labelled.push(eventId);
      // Analyse, Accept all and Submit & next are the labelling; at most 3 inputs besides.
      expect(inputs.clicks + inputs.keys + inputs.wheels - 3, JSON.stringify(inputs)).toBeLessThanOrEqual(3);
      expect(inputs.scrolls, JSON.stringify(inputs)).toBe(0);
    }
    console.info(`journey inputs per clip: ${JSON.stringify(measured)}`);

    for (const eventId of labelled) {
      expect(await stored(eventId)).toMatchObject({ annotator: 'ana', status: 'submitted', provenance: 'accepted' });
    }
    await until(() => p.getByTestId('nav-counts').getAttribute('aria-label')).toMatch(/ · 3 submitted · 0 changes requested$/);
    problems.push(...(await recordStep(p, 'annotator', '5-after-three', 'en')));
    expect(problems).toEqual([]);
  }, 900_000);

  it('2 · reviewer: a reviewer profile reviews the three, asks changes on one; ana resubmits; exports with and without “only approved”', async () => {
    const p = page();
    const problems: ClippedText[] = [];
    const [first, second, third] = labelled as [number, number, number];

    await nav('review');
    const profiles = p.locator('details.profiles');
    if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
    const add = profiles.locator('form.inline-form');
    await add.locator('input[name="profile-name"]').fill('rita');
    await add.locator('select').selectOption('reviewer');
    await add.getByRole('button', { name: 'Add profile' }).click();
    await until(async () => (await ws().annotators.byName('rita'))?.role).toBe('reviewer');
    // Added: the name field is empty for the next profile.
    await until(() => add.locator('input[name="profile-name"]').inputValue()).toBe('');
    problems.push(...(await recordStep(p, 'reviewer', '1-profiles', 'en')));
    await workAs('rita');

    const queue = p.getByTestId('review-queue');
    await until(() => queue.locator('tbody tr').count()).toBe(3);
    for (const id of labelled) expect(await queue.getByRole('button', { name: `#${id}` }).count()).toBe(1);
    const ana = p.getByTestId('review-event').getByTestId('label-column').filter({ has: p.locator('h2', { hasText: 'ana' }) });
    const decide = async (eventId: number, decision: 'approve' | 'request_changes', comment: string) => {
      await queue.getByRole('button', { name: `#${eventId}` }).click();
      // The event shown until the clicked one has loaded is the one before: wait for this one.
      await until(() => p.getByTestId('review-event').getAttribute('data-event')).toBe(String(eventId));
      await until(() => ana.count()).toBe(1);
      await ana.locator('textarea').fill(comment);
      await ana.locator(`button[data-decision="${decision}"]`).click();
      await until(async () => (await stored(eventId)).status).toBe(decision === 'approve' ? 'approved' : 'changes_requested');
    };
    await queue.getByRole('button', { name: `#${first}` }).click();
    await until(() => ana.count()).toBe(1);
    problems.push(...(await recordStep(p, 'reviewer', '2-review', 'en')));
    await decide(first, 'approve', 'Good.');
    await decide(second, 'approve', 'Good.');
    await decide(third, 'request_changes', COMMENT);
    problems.push(...(await recordStep(p, 'reviewer', '3-changes-requested', 'en')));

    await workAs('ana');
    await nav('corpus');
    const clipId = (await ws().events.require(third)).clipId;
    await p.getByTestId('clip-queue').locator(`tr[data-clip="${clipId}"]`).getByRole('button', { name: 'Annotate' }).click();
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(third));
    await until(() => p.getByTestId('review-feedback').textContent()).toContain(COMMENT);
    expect(await lifecycle().getByTestId('submit').textContent()).toBe('Resubmit');
    const facs = p.locator('input[name="facs"]');
    const before = await facs.inputValue();
    // An AU the label does not have yet (the same AU twice is no valid code).
    const au = ['17', '23', '14'].find((candidate) => !new RegExp(`(^|\\+)[LR]?${candidate}[A-E]?(\\+|$)`).test(before))!;
    const edited = before ? `${before}+${au}` : au;
    await facs.fill(edited);
    problems.push(...(await recordStep(p, 'reviewer', '4-annotator-sees-comment', 'en')));
    await lifecycle().getByTestId('submit').click();
    await until(async () => (await stored(third)).status).toBe('submitted');
    expect((await stored(third)).aus).toBe(edited);

    await workAs('rita');
    await decide(third, 'approve', 'Now it is right.');
    for (const id of labelled) expect(await stored(id)).toMatchObject({ status: 'approved', locked: true });

    // Only approved: one instruction line per approved label, each a prompt and a response.
    const approvedFolder = await exportAll('export-approved', true);
    problems.push(...(await recordStep(p, 'reviewer', '5-export-approved', 'en')));
    const lines = readFileSync(join(approvedFolder, 'instructions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { prompt: string; response: string });
    expect(lines).toHaveLength(labelled.length);
    for (const line of lines) {
      expect(line.prompt.length).toBeGreaterThan(0);
      expect(line.response.length).toBeGreaterThan(0);
    }
    expect(csvRows(readFileSync(join(approvedFolder, 'casme2-sheet.csv'), 'utf8'))).toBe(labelled.length);

    // Without it: every labelled event, the dataset sheet's labels included.
    const allFolder = await exportAll('export-all', false);
    const { rows } = await ws().corpus.snapshot();
    const events = new Set<number>();
    let records = 0;
    for (const [eventId, , , , , , , , datasetAus, datasetEmotion, annotationId] of rows) {
      const dataset = datasetAus !== null || datasetEmotion !== null;
      if (dataset && !events.has(eventId)) records += 1;
      if (annotationId !== null) records += 1;
      if (dataset || annotationId !== null) events.add(eventId);
    }
    // The demo corpus: six clips with a sheet label each, three of them labelled by ana too.
    expect(events.size).toBe(6);
    expect(records).toBe(9);
    expect(csvRows(readFileSync(join(allFolder, 'casme2-sheet.csv'), 'utf8'))).toBe(records);
    expect(csvRows(readFileSync(join(allFolder, 'megc-spotting.csv'), 'utf8'))).toBeGreaterThanOrEqual(events.size);
    problems.push(...(await recordStep(p, 'reviewer', '6-export-all', 'en')));
    expect(problems).toEqual([]);
  }, 300_000);

  it('3 · mistakes: an accidental event is deleted, undone, deleted again, and is in no export or report', async () => {
    const p = page();
    const problems: ClippedText[] = [];
    await workAs('ana');
    await nav('corpus');
    // The fourth clip: ana has not labelled it.
    const row = p.getByTestId('clip-queue').locator('tbody tr').nth(3);
    const clipId = Number(await row.getAttribute('data-clip'));
    const [own] = await ws().events.listForClip(clipId);
    mistakesEvent = own!.id;
    await row.getByRole('button', { name: 'Annotate' }).click();
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(own!.id));
    // A frame outside the clip's event (40 frames a demo clip).
    const frame = own!.offset < 39 ? 39 : 0;
    await p.locator('input[name="goto"]').fill(String(frame));
    await p.locator('input[name="goto"]').press('Enter');
    await until(() => p.getByTestId('frame-number').textContent()).toBe(String(frame));

    await p.getByRole('button', { name: 'New event at the current frame' }).click();
    await until(async () => (await ws().events.listForClip(clipId)).length).toBe(2);
    const accident = (await ws().events.listForClip(clipId)).find((event) => event.id !== own!.id)!;
    expect(accident.onset).toBe(frame);
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(accident.id));
    problems.push(...(await recordStep(p, 'mistakes', '1-accident', 'en')));

    await p.getByTestId('delete-event').click();
    await until(async () => (await ws().events.listForClip(clipId)).map((event) => event.id)).toEqual([own!.id]);
    await p.getByTestId('deletion-notice').waitFor();
    problems.push(...(await recordStep(p, 'mistakes', '2-deleted', 'en')));
    await p.keyboard.press('Control+z');
    await until(async () => (await ws().events.listForClip(clipId)).length).toBe(2);
    await until(() => p.getByTestId('deletion-notice').count()).toBe(0);
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(accident.id));
    await p.getByTestId('delete-event').click();
    await until(async () => (await ws().events.listForClip(clipId)).map((event) => event.id)).toEqual([own!.id]);
    expect((await ws().events.deletionHistory(accident.id)).length).toBe(3);

    // The same export as before the accident: nothing of it anywhere, the report included.
    const after = files(await exportAll('export-after-mistake', false));
    const before = files(join(dir, 'export-all'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    // The workbook zips its creation time; its rows are the CSV's, compared as text.
    for (const [name, text] of after) if (!name.endsWith('.xlsx')) expect(withoutTimes(text), name).toBe(withoutTimes(before.get(name)!));
    for (const line of after.get('instructions.jsonl')!.trim().split('\n')) expect((JSON.parse(line) as { event?: number }).event).not.toBe(accident.id);
    expect(problems).toEqual([]);
  }, 180_000);

  it('4 · conflict: two tabs on one label; Keep mine once, Load theirs once; the audit trail holds both versions each time', async () => {
    const first = page();
    const problems: ClippedText[] = [];
    // Back in Annotate on the fourth clip's own event: ana starts a label there.
    await nav('annotate');
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(mistakesEvent));
    const eventId = mistakesEvent;
    const description = (tab: Page) => tab.locator('textarea[name="description"], input[name="description"]');
    const status = (tab: Page) => tab.getByTestId('save-status').getAttribute('data-status');
    await first.locator('input[name="facs"]').fill('9');
    await until(() => status(first), 10_000).toBe('saved');
    await until(async () => (await stored(eventId))?.aus).toBe('9');

    // A second window on the same URL (the page's own context opens no second page).
    const second = await first.context().browser()!.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await second.goto(first.url());
      await until(() => second.getByTestId('label-lifecycle').getAttribute('data-event')).toBe(String(eventId));
      await until(() => second.locator('input[name="facs"]').inputValue()).toBe('9');
      const trail = async () => (await ws().annotations.history((await stored(eventId)).id)).map((entry) => (JSON.parse(entry.snapshot) as Annotation).description);

      await description(first).fill('Nose wrinkles.');
      await until(() => status(first), 10_000).toBe('saved');
      await description(second).fill('Nose wrinkles, upper lip rises.');
      await second.getByTestId('conflict-banner').waitFor({ timeout: 10_000 });
      problems.push(...(await recordStep(second, 'conflict', '1-banner', 'en')));
      await second.getByTestId('conflict-keep-mine').click();
      await until(() => status(second), 10_000).toBe('saved');
      expect(await trail()).toEqual(expect.arrayContaining(['Nose wrinkles.', 'Nose wrinkles, upper lip rises.']));
      expect((await stored(eventId)).description).toBe('Nose wrinkles, upper lip rises.');

      // Now the first tab is the stale one.
      await description(first).fill('Only the nose.');
      await first.getByTestId('conflict-banner').waitFor({ timeout: 10_000 });
      await first.getByTestId('conflict-load-theirs').click();
      await until(() => first.getByTestId('conflict-banner').count()).toBe(0);
      expect(await description(first).inputValue()).toBe('Nose wrinkles, upper lip rises.');
      expect((await stored(eventId)).description).toBe('Nose wrinkles, upper lip rises.');
      expect(await trail()).toEqual(expect.arrayContaining(['Nose wrinkles.', 'Nose wrinkles, upper lip rises.']));
      problems.push(...(await recordStep(first, 'conflict', '2-loaded-theirs', 'en')));
    } finally {
      await second.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('5 · picker: the browser file picker opens a frame folder inside the allowed root and refuses “../” and a symlink pointing outside', async () => {
    const p = page();
    const problems: ClippedText[] = [];
    const root = join(dir, 'data');
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'private.txt'), 'not for the page');
    const frames = await writeSequence(join(root, 'CASME2_RAW'), ['sub01', 'EP02_01f'], 46, 75);
    symlinkSync(outside, join(root, 'CASME2_RAW', 'escape'));
    const roots = (await app().services.settings.get()).browseRoots;
    await app().services.settings.update({ browseRoots: [root] });
    try {
      await nav('corpus');
      await p.getByTestId('browse-frame-folder-open-folder').click();
      const picker = p.getByTestId('file-browser');
      await picker.waitFor();
      const entry = (name: string) => picker.locator(`[data-testid="browse-entry"][data-name="${name}"]`);
      await entry(root).dblclick();
      await entry('CASME2_RAW').dblclick();
      await entry('escape').dblclick();
      await until(() => picker.getByTestId('browse-error').textContent()).toContain(`resolves to ${outside}`);
      expect(await entry('private.txt').count()).toBe(0);
      const location = picker.locator('input[name="browse-location"]');
      await location.fill(`${root}/CASME2_RAW/../../outside`);
      await location.press('Enter');
      await until(() => picker.getByTestId('browse-error').textContent()).toContain('contains “..”');
      expect(await entry('private.txt').count()).toBe(0);
      problems.push(...(await recordStep(p, 'picker', '1-refused', 'en')));
      await location.fill(join(root, 'CASME2_RAW', 'sub01'));
      await location.press('Enter');
      await entry('EP02_01f').click();
      problems.push(...(await recordStep(p, 'picker', '2-frame-folder', 'en')));
      await picker.getByTestId('browse-choose').click();
      await picker.waitFor({ state: 'detached' });
      expect(await p.locator('input[name="clip-path"]').inputValue()).toBe(frames);
    } finally {
      await app().services.settings.update({ browseRoots: roots });
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('6 · the main screens in 简体中文: start page, Corpus, Annotate with suggestions, Review, Export', async () => {
    const p = page();
    const problems: ClippedText[] = [];
    await workAs('ana');
    await nav('settings');
    await p.locator('select[name="language"]').selectOption('zh-CN');
    await p.getByRole('heading', { name: '设置' }).waitFor();
    problems.push(...(await recordStep(p, 'chinese', '0-settings', 'zh-CN')));
    await nav('home');
    await p.getByRole('button', { name: '打开演示语料' }).waitFor();
    problems.push(...(await recordStep(p, 'chinese', '1-start', 'zh-CN')));
    await nav('corpus');
    await p.getByTestId('clip-queue').waitFor();
    // The queue names emotions in the UI's language (the data keeps its English word).
    const emotion = p.getByTestId('clip-queue').locator('tbody tr').first().locator('td[data-column="emotion"]');
    await until(() => emotion.getAttribute('data-emotion')).toBe('happiness');
    await until(() => emotion.textContent()).toBe('高兴');
    problems.push(...(await recordStep(p, 'chinese', '2-corpus', 'zh-CN')));
    // The fifth clip: nobody labelled it, so its suggestions can be taken.
    const row = p.getByTestId('clip-queue').locator('tbody tr').nth(4);
    const [event] = await ws().events.listForClip(Number(await row.getAttribute('data-clip')));
    await row.getByRole('button', { name: '标注', exact: true }).click();
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(event!.id));
    await p.getByTestId('analyse').click();
    await until(() => p.locator('[data-testid="suggestions"] [data-field="aus"] .value').textContent().catch(() => ''), 180_000).toMatch(/\d/);
    expect(await pageOverflow(p)).toBeNull();
    expect(await insideViewport(p, '[data-testid="suggestions"]')).toBe(true);
    problems.push(...(await recordStep(p, 'chinese', '3-annotate-suggestions', 'zh-CN')));
    // Accepted and submitted, so the reviewer has one to review in Chinese.
    await p.getByTestId('accept-all').click();
    await until(() => p.getByTestId('accept-all').textContent()).toBe('✓ 已全部接受');
    await lifecycle().getByTestId('submit').click();
    await until(async () => (await stored(event!.id))?.status).toBe('submitted');
    await workAsChinese(p, 'rita');
    await p.getByTestId('review-queue').locator('tbody tr').first().locator('button').first().click();
    await p.getByTestId('review-event').waitFor();
    problems.push(...(await recordStep(p, 'chinese', '4-review', 'zh-CN')));
    await nav('export');
    await p.locator('input[name="export-folder"]').waitFor();
    problems.push(...(await recordStep(p, 'chinese', '5-export', 'zh-CN')));
    await nav('settings');
    await p.locator('select[name="language"]').selectOption('en');
    await p.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(problems).toEqual([]);
  }, 300_000);

  async function workAsChinese(p: Page, name: string): Promise<void> {
    await p.locator('nav button[data-view="review"]').click();
    await until(() => p.getByTestId('profiles').locator('tr', { hasText: name }).count()).toBe(1);
    const profiles = p.locator('details.profiles');
    if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
    await p.getByTestId('profiles').locator('tr', { hasText: name }).locator('button').click();
    await until(async () => (await app().services.settings.get()).annotator).toBe(name);
  }
});
