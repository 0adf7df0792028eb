import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { createWorkspace } from '../../src/main/store';
import { storedAnalysisRow } from '../helpers/stored-analysis';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-review-');

/** A workspace built through the real channels: one clip, two events, three profiles. */
async function setup() {
  const dir = tempDir();
  const services = createServices({ userDataDir: join(dir, 'home') });
  const table = createHandlerTable(services);
  const call = async (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });
  const as = (name: string) => services.settings.update({ annotator: name });
  await call('workspace.create', { path: join(dir, 'w.mellm') });
  // A clip name that tries to leave the export folder (EAF files are named after clips).
  await call('clips.add', { path: join(dir, 'clip'), kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: '../../evil' });
  await call('events.create', { clipId: 1, onset: 10, apex: 20, offset: 40, source: 'spotting' });
  await call('events.create', { clipId: 1, onset: 50, apex: 60, offset: 80, source: 'spotting' });
  for (const [name, role] of [['ana', 'annotator'], ['bob', 'annotator'], ['rita', 'reviewer']]) {
    expect(await call('annotators.create', { name, role })).toMatchObject({ ok: true, data: { name, role } });
  }
  return { dir, services, call, as };
}

async function label(call: (n: string, p?: unknown) => Promise<unknown>, as: (n: string) => Promise<unknown>, who: string, eventId: number, aus: string, emotion: string, label3: string) {
  await as(who);
  return call('annotations.save', { eventId, annotator: who, aus, emotion, label3, status: 'submitted' });
}

const okData = <T>(result: unknown): T => {
  expect(result).toMatchObject({ ok: true });
  return (result as { data: T }).data;
};

describe('review channels', () => {
  it('keeps labelling blind until review, lets only reviewers decide, locks on sign-off and amends as a new version', async () => {
    const { services, call, as } = await setup();
    const ana = okData<{ id: number }>(await label(call, as, 'ana', 1, 'R12', 'happiness', 'positive'));
    const bob = okData<{ id: number }>(await label(call, as, 'bob', 1, '12', 'happiness', 'positive'));
    // bob cannot write as ana, nor see her label.
    expect(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '4' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(okData<{ annotator: string }[]>(await call('annotations.get', { eventId: 1 })).map((a) => a.annotator)).toEqual(['bob']);
    expect(okData<unknown[]>(await call('annotations.get', { eventId: 1, annotator: 'ana' }))).toEqual([]);
    expect(await call('review.history', { annotationId: ana.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Reviewer-only actions are refused for annotators.
    expect(await call('review.queue')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('review.event', { eventId: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('review.decide', { annotationId: ana.id, decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Renaming a profile into a reviewer name that exists is refused; roles change through annotators.update.
    expect(await call('annotators.update', { id: 2, name: 'rita' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Nor can an annotator make themselves (or anyone) a reviewer once a reviewer exists.
    expect(await call('annotators.update', { id: 2, role: 'reviewer' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('annotators.create', { name: 'eve', role: 'reviewer' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('annotators.update', { id: 1, name: 'anna' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The model column reads the analysis as the pipeline stores it: a left lip corner pulled up and out.
    const analyses = services.workspaces.require().analyses;
    const smile = storedAnalysisRow({ 'Left Mouth Corner': [2, -2], 'Left Cheek': [0, -1] });
    const stored = await analyses.add(1, [{ id: 'mellm', version: 'test' }], smile);
    // A row of another shape shows no model column instead of failing the review.
    await analyses.add(2, [{ id: 'mellm', version: 'old' }], { aus: 'L12', emotion: 'happiness', label3: 'positive', description: 'lip corner pull' });
    await as('rita');
    expect(okData<{ eventId: number; submitted: number }[]>(await call('review.queue'))).toEqual([expect.objectContaining({ eventId: 1, submitted: 2 })]);
    const side = okData<{ inReview: boolean; labels: { annotation: { annotator: string } }[]; model: { aus: string } }>(await call('review.event', { eventId: 1 }));
    expect(side).toMatchObject({ inReview: false, model: { analysisId: stored.id, aus: smile.expression.facs, emotion: 'happiness', label3: 'positive', description: smile.expression.description } });
    expect(smile.expression.facs).toMatch(/L12/);
    expect(okData<{ model: unknown }>(await call('review.event', { eventId: 2 })).model).toBeNull();
    expect(side.labels.map((l) => l.annotation.annotator)).toEqual(['ana', 'bob']);
    const own = okData<{ id: number }>(await call('annotations.save', { eventId: 2, annotator: 'rita', aus: '4', status: 'submitted' }));
    expect(await call('review.decide', { annotationId: own.id, decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: /own labels/ } });
    const approved = okData<{ annotation: { locked: boolean; status: string; version: number } }>(
      await call('review.decide', { annotationId: ana.id, decision: 'approve', comment: 'clear AU12' }),
    );
    expect(approved.annotation).toMatchObject({ locked: true, status: 'approved', version: 2 });
    await call('review.decide', { annotationId: bob.id, decision: 'request_changes', comment: 'side?' });
    expect(okData<{ inReview: boolean; labels: { review: { decision: string } | null }[] }>(await call('review.event', { eventId: 1 })).labels.map((l) => l.review?.decision)).toEqual([
      'approve',
      'request_changes',
    ]);

    // In review: bob now sees ana's label.
    await as('bob');
    expect(okData<{ annotator: string }[]>(await call('annotations.get', { eventId: 1 })).map((a) => a.annotator)).toEqual(['ana', 'bob']);
    // Sign-off lock: a plain save is refused; an amendment is a new, unlocked draft version, the approved one stays in the trail.
    await as('ana');
    expect(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'R12+6', baseVersion: 2 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: /locked/ } });
    expect(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'R12+6', baseVersion: 2, amend: true })).toMatchObject({
      ok: true,
      data: { version: 3, locked: false, status: 'draft', aus: 'R12+6' },
    });
    const trail = okData<{ version: number; snapshot: string }[]>(await call('review.history', { annotationId: ana.id }));
    expect(trail.map((t) => [t.version, (JSON.parse(t.snapshot) as { status: string }).status])).toEqual([
      [1, 'submitted'],
      [2, 'approved'],
      [3, 'draft'],
    ]);
  });

  it('refuses a decision on a label changed since the reviewer was shown it, with who changed what', async () => {
    const { call, as } = await setup();
    const shown = okData<{ id: number; version: number }>(await label(call, as, 'ana', 1, 'R12', 'happiness', 'positive'));
    // Ana withdraws it (back to draft) and changes it; the reviewer still has version 1 on screen.
    await as('ana');
    okData(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'R12', emotion: 'happiness', label3: 'positive', status: 'draft', baseVersion: 1 }));
    okData(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '4', emotion: 'disgust', label3: 'negative', status: 'draft', baseVersion: 2 }));
    await as('rita');
    expect(await call('review.decide', { annotationId: shown.id, decision: 'approve', baseVersion: shown.version })).toMatchObject({
      ok: false,
      error: { code: 'EDIT_CONFLICT', detail: { changedBy: 'ana', baseVersion: 1, changedFields: ['aus', 'emotion', 'label3', 'status'], theirs: { version: 3, status: 'draft' } } },
    });
    // Submitted again: deciding on the version shown now goes through; without a version the API decides as before.
    await as('ana');
    okData(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '4', emotion: 'disgust', label3: 'negative', status: 'submitted', baseVersion: 3 }));
    await as('rita');
    expect(okData<{ annotation: { status: string; aus: string } }>(await call('review.decide', { annotationId: shown.id, decision: 'reject', baseVersion: 4 })).annotation).toMatchObject({ status: 'rejected', aus: '4' });
    expect(okData<{ review: { annotationVersion: number } }>(await call('review.decide', { annotationId: shown.id, decision: 'approve' })).review.annotationVersion).toBe(6);
  });

  it('computes agreement and exports through the job queue, refusing overwrites and escapes, leaving nothing half-written on cancel', async () => {
    const { dir, services, call, as } = await setup();
    await label(call, as, 'ana', 1, 'R12', 'happiness', 'positive');
    await label(call, as, 'bob', 1, '12', 'happiness', 'positive');
    await label(call, as, 'ana', 2, '4+7', 'disgust', 'negative');
    await label(call, as, 'bob', 2, '4', 'repression', 'negative');
    await call('events.create', { clipId: 1, onset: 85, offset: 95, source: 'spotting' }); // a candidate nobody labelled
    await as('rita');
    const ana1 = okData<{ id: number }[]>(await call('annotations.get', { eventId: 1, annotator: 'ana' }))[0]!;
    await call('review.decide', { annotationId: ana1.id, decision: 'approve' });

    const agreement = okData<{ coders: string[]; pairs: { facsRatio: number }[]; perAu: { au: string }[]; csv: string; facsRatio: number; auEvents: number; auRule: string }>(
      await call('agreement.compute'),
    );
    expect(agreement.coders).toEqual(['ana', 'bob']);
    // Event 1: R12 vs 12 → agreed (only ana gives a side); event 2: 4+7 vs 4 → 1 agreed of 3 → 2·2 / 5.
    expect(agreement.facsRatio).toBeCloseTo(4 / 5, 10);
    expect(agreement.auEvents).toBe(2);
    expect(agreement.auRule).toMatch(/by side where both coders give one/);
    expect(agreement.perAu.map((au) => au.au)).toEqual(['4', '7', '12']);
    expect(agreement.csv.split('\r\n')[0]).toBe('scope,coder_a,coder_b,metric,value,n');
    const sideless = okData<{ facsRatio: number; auRule: string }>(await call('agreement.compute', { ignoreSide: true }));
    expect(sideless.facsRatio).toBeCloseTo(4 / 5, 10);
    expect(sideless.auRule).toMatch(/by number \(sides ignored\)/);
    // Another workspace file, read for the call without replacing the open one.
    const other = join(dir, 'other.mellm');
    await (await createWorkspace(other)).close();
    expect(okData<{ coders: string[]; events: number }>(await call('agreement.compute', { workspace: other }))).toMatchObject({ coders: [], events: 0 });
    expect(services.workspaces.require().location).toBe(join(dir, 'w.mellm'));

    const out = join(dir, 'export');
    const progress: number[] = [];
    const unsubscribe = services.events.subscribe((name, payload) => {
      if (name === 'job.progress') progress.push((payload as { done: number }).done);
    });
    const all = ['casme2-csv', 'casme2-xlsx', 'megc', 'eaf', 'jsonl', 'frames-csv', 'report'];
    const first = okData<{ files: { format: string; path: string }[]; records: number }>(await call('export.run', { formats: all, folder: out }));
    unsubscribe();
    expect(progress.length).toBeGreaterThan(0);
    expect(first.files.map((f) => `${f.format} ${basename(f.path)}`).sort()).toEqual([
      'casme2-csv casme2-sheet.csv',
      'casme2-xlsx casme2-sheet.xlsx',
      'eaf evil.eaf',
      'frames-csv motion.csv',
      'jsonl instructions.jsonl',
      'megc megc-recognition.csv',
      'megc megc-spotting.csv',
      'report report.html',
    ]);
    for (const file of first.files) expect(file.path.startsWith(`${out}/`)).toBe(true);
    expect(readdirSync(join(out, 'eaf'))).toEqual(['evil.eaf']);
    const sheet = readFileSync(join(out, 'casme2-sheet.csv'), 'utf8');
    expect(sheet).toContain('01,../../evil,10,20,40,R12,happiness');
    // The report lists every candidate with its decision.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/approved<\/span> by rita/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('(unlabelled)');
    expect(sheet).not.toContain('unlabelled');

    const before = statSync(join(out, 'casme2-sheet.csv')).mtimeMs;
    expect(await call('export.run', { formats: ['casme2-csv'], folder: out })).toMatchObject({ ok: false, error: { code: 'EXPORT_TARGET_EXISTS' } });
    expect(await call('export.run', { formats: ['casme2-csv'], folder: 'relative/out' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // A refused report target fails the whole run before the first pass writes anything.
    expect(await call('export.run', { formats: ['megc', 'report'], folder: join(dir, 'other'), force: false })).toMatchObject({ ok: true });
    expect(await call('export.run', { formats: ['jsonl', 'report'], folder: join(dir, 'other') })).toMatchObject({ ok: false, error: { code: 'EXPORT_TARGET_EXISTS' } });
    expect(readdirSync(join(dir, 'other')).sort()).toEqual(['megc-recognition.csv', 'megc-spotting.csv', 'report.html']);
    expect(statSync(join(out, 'casme2-sheet.csv')).mtimeMs).toBe(before);
    const approvedOnly = okData<{ records: number }>(await call('export.run', { formats: ['casme2-csv'], folder: out, force: true, onlyApproved: true }));
    expect(approvedOnly.records).toBe(1);

    // Cancel at the first progress report: finished files are whole, nothing half-written remains.
    const cancelled = join(dir, 'cancelled');
    const stop = services.events.subscribe((name, payload) => {
      if (name === 'job.progress') services.jobs.cancel((payload as { jobId: string }).jobId);
    });
    const run = await call('export.run', { formats: all, folder: cancelled });
    stop();
    expect(run).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const left = readdirSync(cancelled, { recursive: true }).map(String);
    expect(left.filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(left.length).toBeLessThan(first.files.length + 1);
    expect(services.jobs.list().map((job) => job.state)).toContain('cancelled');
  });
});

