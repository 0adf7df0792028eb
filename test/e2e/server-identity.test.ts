/**
 * On a team server the app works as the login role, not as Settings' name: a reviewer
 * `rex` whose Settings name nobody (then `rita`, another reviewer) opens the workspace in
 * Chromium over the bridge. The page shows rex, asks for no name, saves under rex, keeps
 * rex from deciding on his own label, and refuses a decision on a label its author changed
 * after rex was shown it. What this cannot show: other clients than this app (the server's
 * own refusals are test/integration/team-blinding.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/main/store';
import { useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';
import { startTeamServer, type TeamServer } from '../helpers/team-postgres';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-identity-'));
const app = useAppPage({ width: 1280, height: 720 });
let team: TeamServer;
let eventId: number;

/** A store connection of one person, outside the browser (their own workstation). */
async function as<T>(person: string, work: (ws: Awaited<ReturnType<typeof openWorkspace>>) => Promise<T>): Promise<T> {
  const ws = await openWorkspace(team.url(person));
  try {
    return await work(ws);
  } finally {
    await ws.close();
  }
}

beforeAll(async () => {
  team = await startTeamServer('mellm_e2e_identity');
  for (const [name, role] of [['ana', 'annotator'], ['rex', 'reviewer'], ['rita', 'reviewer']] as const) await team.addPerson(name, role);
  const path = writeIndexClip(dir, 30);
  await as('postgres', async (admin) => {
    const clip = await admin.clips.add({ path, kind: 'video', fps: 30, frames: 30, width: 160, height: 120, subject: '01' });
    eventId = (await admin.events.create({ clipId: clip.id, onset: 4, apex: 10, offset: 20, source: 'manual' })).id;
  });
  await as('ana', (ws) => ws.annotations.save({ eventId, annotator: 'ana', aus: '12', emotion: 'happiness', status: 'submitted' }));
  // Rita has opened the workspace once: her reviewer profile exists, so a page working as Settings' "rita" would find one.
  await as('rita', (ws) => ws.info());
  const { services } = app();
  await services.settings.update({ annotator: '' });
  expect(await services.workspaces.open(team.url('rex'))).toMatchObject({ identity: 'database-role', actingAs: 'rex' });
}, 180_000);

afterAll(async () => {
  await app().services.workspaces.close();
  await team?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The browser logs every refused call; the refused decision is one this test asks for. */
const unexpected = () => app().errors.filter((line) => !/status of 409 \(Conflict\)/.test(line));
const until = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

describe('a team server in Chromium: the login role is who works', () => {
  const screenshot = (name: string) => app().page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const nav = (view: string) => app().page.locator(`nav button[data-view="${view}"]`).click();
  const lifecycle = () => app().page.getByTestId('label-lifecycle');
  const stored = (annotator: string) => app().services.workspaces.require().annotations.get(eventId, annotator);

  it('asks no name, saves under the role, shows it read-only, and decides only on what the reviewer saw', async () => {
    const { page, services } = app();
    await page.goto(app().bridge.url);
    await nav('corpus');
    await page.getByTestId('clip-queue').locator('tbody tr').first().getByRole('button', { name: 'Annotate' }).click();
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(eventId));
    // Settings have no name, and on a file the prompt would ask for one here.
    expect(await page.getByTestId('annotator-prompt').count()).toBe(0);
    expect(await page.locator('input[name="facs"]').isDisabled()).toBe(false);

    // Settings now name someone else: the label still goes under rex.
    await services.settings.update({ annotator: 'rita' });
    await page.locator('input[name="facs"]').fill('4');
    await lifecycle().getByTestId('submit').click();
    await until(() => lifecycle().getAttribute('data-status')).toBe('submitted');
    expect(await stored('rex')).toMatchObject({ aus: '4', status: 'submitted' });
    expect(await stored('rita')).toBeNull();
    expect(await page.getByTestId('annotator-prompt').count()).toBe(0);

    await nav('settings');
    const field = page.locator('input[name="annotator"]');
    await until(() => field.inputValue()).toBe('rex');
    expect(await field.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('server-identity').textContent()).toBe('Signed in to the server as rex — the server records your work under this role');
    await screenshot('server-identity-settings-en');

    await nav('review');
    const profiles = page.locator('details.profiles');
    await until(() => profiles.locator('summary').textContent()).toBe('Annotator profiles — working as rex');
    if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
    await until(() => page.getByTestId('profiles').locator('tr[aria-current="true"]').textContent()).toContain('rex');
    expect(await page.getByRole('button', { name: 'Work as' }).count()).toBe(0);
    expect(await page.locator('input[name="profile-name"]').count()).toBe(0);
    await page.getByTestId('review-queue').getByRole('button', { name: `#${eventId}` }).click();
    const column = (who: string) => page.getByTestId('review-event').getByTestId('label-column').filter({ has: page.locator('h2', { hasText: who }) });
    await until(() => column('rex').getByTestId('own-label').textContent()).toBe('Your own label: another reviewer decides on it.');
    expect(await column('rex').locator('button[data-decision]').count()).toBe(0);
    const approve = column('ana').locator('button[data-decision="approve"]');
    await until(() => approve.isEnabled()).toBe(true);

    // Ana withdraws her label and changes it while rex still has version 1 on screen.
    await as('ana', async (ws) => {
      await ws.annotations.save({ eventId, annotator: 'ana', aus: '12', emotion: 'happiness', status: 'draft', baseVersion: 1 });
      await ws.annotations.save({ eventId, annotator: 'ana', aus: '12+25', emotion: 'happiness', status: 'submitted', baseVersion: 2 });
    });
    await approve.click();
    await until(() => column('ana').getByTestId('decision-changed').textContent()).toBe(
      'ana changed this label since it was shown to you (now version 3; changed: AUs). Nothing was decided: it is shown again as it is now.',
    );
    await until(() => column('ana').textContent()).toContain('12+25');
    expect(await stored('ana')).toMatchObject({ version: 3, status: 'submitted', locked: false });
    await column('ana').getByTestId('decision-changed').scrollIntoViewIfNeeded();
    await screenshot('server-identity-review-en');
    // Shown as it is now, it can be decided, and the decision is rex's.
    await approve.click();
    await until(() => column('ana').getByTestId('sign-off').textContent()).toContain('signed off');
    expect(await stored('ana')).toMatchObject({ aus: '12+25', status: 'approved', locked: true });
    const decided = await app().services.workspaces.require().reviews.latestForEvent(eventId);
    expect([...decided.values()].map((review) => review.reviewer)).toEqual(['rex']);
    expect(unexpected()).toEqual([]);
  });

  it('says the same in Simplified Chinese', async () => {
    const { page, services } = app();
    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await nav('settings');
    await until(() => page.getByTestId('server-identity').textContent()).toBe('已以 rex 身份登录服务器——服务器以此角色记录你的工作');
    await screenshot('server-identity-settings-zh-CN');
    await nav('review');
    const profiles = page.locator('details.profiles');
    await until(() => profiles.locator('summary').textContent()).toBe('标注者档案 — 当前身份：rex');
    if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
    await until(() => profiles.getByTestId('server-identity').textContent()).toBe('已以 rex 身份登录服务器——服务器以此角色记录你的工作');
    await page.getByTestId('review-queue').getByRole('button', { name: `#${eventId}` }).click();
    await until(() => page.getByTestId('review-event').getByTestId('own-label').textContent()).toBe('这是你自己的标注：由其他审核者决定。');
    await screenshot('server-identity-review-zh-CN');
    expect(unexpected()).toEqual([]);
  });
});
