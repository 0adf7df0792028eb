/**
 * Two workstations, one workspace: each keeps the corpus in its own folder and maps the
 * named media root to it. The workspace file is shared (one after the other here; a
 * PostgreSQL workspace is shared at once); the media are copies.
 */
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clip } from '../../src/shared/workspace';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { createServices, disposeServices, type Services } from '../../src/main/app/services';
import { runCli } from '../../src/main/cli/main';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { jobFinished } from '../helpers/jobs';

let base: string;
let video: string;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mellm-media-roots-')));
  const face = new FaceService(defaultModelsDir());
  try {
    const clip = meClip(await sampleFace(await face.models()), { aus: [{ au: 12, intensity: 'D' }] });
    video = (await writeSynthSample(clip, join(base, 'sample'), { crf: 12 })).mp4 as string;
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

type Answer = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

function workstation(name: string) {
  const services = createServices({ userDataDir: join(base, `${name}-home`) });
  const table = createHandlerTable(services);
  const call = async (channel: string, payload: unknown = {}) => (await dispatch(table, channel, payload, { transport: 'direct' })) as Answer;
  const finished = (jobId: string) => jobFinished(services, jobId);
  return { services, call, finished };
}

const clipsOf = async (call: (c: string, p?: unknown) => Promise<Answer>) => (await call('clips.list', {})).data as Clip[];

describe('media roots: one corpus in a different folder on each workstation', () => {
  let a: ReturnType<typeof workstation>;
  let b: ReturnType<typeof workstation>;
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((w) => disposeServices(w.services as Services)));
  });

  it('a clip added under a root is stored relative to it; another workstation opens and analyses its own copy, refuses a different file', async () => {
    const folderA = join(base, 'a', 'CASME2_RAW');
    const folderB = join(base, 'b', 'corpora', 'casme2');
    for (const folder of [folderA, folderB]) {
      mkdirSync(join(folder, 'sub01'), { recursive: true });
      copyFileSync(video, join(folder, 'sub01', 'EP02_01f.mp4'));
    }
    const workspace = join(base, 'team.mellm');

    a = workstation('a');
    await a.services.settings.update({ mediaRoots: { CASME2_RAW: folderA } });
    expect(await a.call('workspace.create', { path: workspace })).toMatchObject({ ok: true });
    const runA = await a.call('analysis.run', { clipPath: join(folderA, 'sub01', 'EP02_01f.mp4') });
    expect(runA).toMatchObject({ ok: true });
    expect((await a.finished((runA.data as { jobId: string }).jobId)).state).toBe('done');
    const [stored] = await clipsOf(a.call);
    expect(stored).toMatchObject({ path: join(folderA, 'sub01', 'EP02_01f.mp4'), mediaRoot: 'CASME2_RAW', mediaPath: 'sub01/EP02_01f.mp4' });
    await a.call('workspace.close');

    // Workstation B has not mapped the root: the clip shows where A kept it, and opening it says what to do.
    b = workstation('b');
    expect(await b.call('workspace.open', { path: workspace })).toMatchObject({ ok: true });
    const unmapped = (await clipsOf(b.call))[0]!;
    expect(unmapped.path).toBe(join(folderA, 'sub01', 'EP02_01f.mp4'));
    const refused = await b.call('media.open', { path: unmapped.path, storedClip: unmapped.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(refused.error!.message).toMatch(/media root “CASME2_RAW” \(sub01\/EP02_01f\.mp4\), which this workstation has not mapped: map it in Settings → Media roots/);

    // Mapped to B's folder: B sees, opens and analyses its own copy.
    expect(await b.call('settings.update', { mediaRoots: { CASME2_RAW: folderB } })).toMatchObject({ ok: true });
    const mapped = (await clipsOf(b.call))[0]!;
    expect(mapped).toMatchObject({ id: stored!.id, path: join(folderB, 'sub01', 'EP02_01f.mp4'), mediaRoot: 'CASME2_RAW' });
    const opened = await b.call('media.open', { path: mapped.path, storedClip: mapped.id });
    expect(opened).toMatchObject({ ok: true, data: { info: { path: join(folderB, 'sub01', 'EP02_01f.mp4'), frames: stored!.frames } } });
    rmSync(folderA, { recursive: true });
    const runB = await b.call('analysis.run', { clipId: mapped.id });
    expect(runB).toMatchObject({ ok: true });
    const jobB = await b.finished((runB.data as { jobId: string }).jobId);
    expect(jobB.state, jobB.error?.message).toBe('done');

    // A different file in its place (same name, other content) is refused for frames and analysis alike.
    writeFileSync(join(folderB, 'sub01', 'EP02_01f.mp4'), Buffer.concat([Buffer.from('not the same media'), Buffer.alloc(4096)]));
    const mismatch = await b.call('media.open', { path: mapped.path, storedClip: mapped.id });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'MEDIA_MISMATCH' } });
    expect(mismatch.error!.message).toMatch(/is not the media this workspace holds for clip \d+: its content hash is [0-9a-f]{12}…, the workspace's [0-9a-f]{12}…/);
    expect(await b.call('analysis.run', { clipId: mapped.id })).toMatchObject({ ok: false, error: { code: 'MEDIA_MISMATCH' } });
    await b.call('workspace.close');
  }, 180_000);

  it('an import under a root stores each clip relative to it; clips added before the root was mapped adopt it', async () => {
    const corpus = join(base, 'import', 'CASME2');
    await writeSequence(corpus, ['sub01', 'EP02_01f'], 46, 104);
    await writeSequence(corpus, ['sub02', 'EP03_02'], 1, 40);
    const sheet = await writeSheet(join(base, 'import', 'coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 104, '', '1+2', 'surprise']]);
    const w = workstation('importer');
    try {
      expect(await w.call('workspace.create', { path: join(base, 'import.mellm') })).toMatchObject({ ok: true });
      const loose = await w.services.workspaces.require().clips.add({ path: join(corpus, 'sub02', 'EP03_02'), kind: 'sequence', fps: 200, frames: 40, width: 8, height: 8 });
      await w.services.settings.update({ mediaRoots: { CASME2_RAW: corpus } });
      expect(await w.call('import.commit', { sheet, root: corpus, dataset: 'casme2' })).toMatchObject({ ok: true });
      const imported = (await clipsOf(w.call)).find((c) => c.path.endsWith('EP02_01f'))!;
      expect(imported).toMatchObject({ mediaRoot: 'CASME2_RAW', mediaPath: 'sub01/EP02_01f' });
      expect(await w.call('clips.adoptMediaRoots')).toMatchObject({ ok: true, data: { adopted: 1, unchanged: 1, conflicts: [] } });
      expect(await w.services.workspaces.require().clips.require(loose.id)).toMatchObject({ mediaRoot: 'CASME2_RAW', mediaPath: 'sub02/EP03_02' });
      expect(await w.call('clips.adoptMediaRoots')).toMatchObject({ ok: true, data: { adopted: 0, unchanged: 2 } });
    } finally {
      await disposeServices(w.services);
    }
  }, 60_000);
});

describe('mellm media-roots', () => {
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('sets, lists and unsets a root; refuses bad names; adopt stores clips under the roots', async () => {
    const folder = join(base, 'cli', 'SAMM');
    await writeSequence(folder, ['006', '006_1_2'], 1, 20);
    expect(await run('media-roots', 'set', '../SAMM', folder)).toMatchObject({ code: 2, err: expect.stringMatching(/media root name starts with a letter/) });
    expect(await run('media-roots', 'set', 'SAMM', folder)).toMatchObject({ code: 0, out: `SAMM  ${folder}` });
    expect(JSON.parse((await run('media-roots', 'list', '--json')).out)).toEqual({ SAMM: folder });
    const workspace = join(base, 'cli.mellm');
    expect((await run('workspace', 'create', workspace)).code).toBe(0);
    const services = createServices({ userDataDir: join(base, 'cli-direct') });
    try {
      await services.workspaces.open(workspace);
      await services.workspaces.require().clips.add({ path: join(folder, '006', '006_1_2'), kind: 'sequence', fps: 200, frames: 20, width: 8, height: 8 });
      await services.workspaces.close();
    } finally {
      await disposeServices(services);
    }
    expect(await run('media-roots', 'adopt', '--workspace', workspace)).toMatchObject({ code: 0, out: '1 clips now stored under a media root, 0 unchanged' });
    expect(await run('media-roots', 'unset', 'SAMM')).toMatchObject({ code: 0, out: 'no media roots on this workstation' });
    expect(await run('media-roots', 'unset', 'SAMM')).toMatchObject({ code: 1, err: expect.stringMatching(/No media root named SAMM/) });
  });
});
