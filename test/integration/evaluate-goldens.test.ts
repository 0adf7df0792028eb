import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { commitImport } from '../../src/main/app/import';
import { evaluateWorkspace, type WorkspaceEvaluation } from '../../src/main/app/evaluation';
import { evaluateCommand } from '../../src/main/cli/evaluate';
import { createServices, disposeServices, type Services } from '../../src/main/app/services';
import type { SynthAu } from '../../src/main/analysis/synth/expression-field';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { writeSheet } from '../helpers/corpus';
import type { EvaluationCase, EvaluationReport } from '../../src/main/corpus/evaluate';

/**
 * The evaluation end to end against figures computed by scikit-learn: synthetic clips
 * with known truth in CASME II's shape (sub01/EP01_01/img1.jpg …, its coding sheet's
 * header and notation), imported as dataset labels, analysed by the real pipeline (one
 * event left unanalysed), evaluated from the workspace. The goldens hold the cases the
 * evaluation read and every figure scripts/evaluation-golden.py computed from them
 * (`/usr/bin/python3 scripts/evaluation-golden.py <cases.json> test/fixtures/evaluation/golden.json`;
 * MELLM_EVALUATION_CASES=<cases.json> makes this test write the cases).
 */

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'evaluation', 'golden.json');

interface Clip {
  readonly subject: string;
  readonly filename: string;
  readonly aus: readonly SynthAu[];
  /** The sheet's AU text and emotion (what the coder wrote, not always what was synthesised). */
  readonly sheetAus: string;
  readonly emotion: string;
  /** The sheet gives no apex ("/"): the event is analysed with spotting. */
  readonly noApex?: boolean;
  /** Left without an analysis. */
  readonly unanalysed?: boolean;
  /** The synthesised expression's frames, and the onset the sheet gives (0-based), when not TIMING's. */
  readonly timing?: { readonly onset: number; readonly apex: number; readonly offset: number; readonly sheetOnset: number };
}

// No happiness label anywhere: MEGC positive and CASME II happiness are classes without events
// (a smile coded as disgust gives them predictions).
const CLIPS: readonly Clip[] = [
  { subject: '01', filename: 'EP01_01', aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], sheetAus: '1+2', emotion: 'surprise' },
  { subject: '01', filename: 'EP01_02', aus: [{ au: 4, intensity: 'D' }], sheetAus: '4+7', emotion: 'disgust' },
  { subject: '01', filename: 'EP02_01f', aus: [{ au: 14, intensity: 'D', side: 'R' }], sheetAus: 'R14?', emotion: 'repression' },
  { subject: '02', filename: 'EP03_01', aus: [{ au: 15, intensity: 'D' }], sheetAus: '15 or 17', emotion: 'sadness' },
  { subject: '02', filename: 'EP03_02', aus: [{ au: 4, intensity: 'C' }], sheetAus: '4', emotion: 'others' },
  { subject: '02', filename: 'EP04_01', aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], sheetAus: '?', emotion: 'surprise' },
  { subject: '03', filename: 'EP05_01', aus: [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'E' }], sheetAus: '1+2', emotion: 'surprise', noApex: true },
  { subject: '03', filename: 'EP06_01', aus: [{ au: 4, intensity: 'D' }], sheetAus: '4', emotion: 'fear', unanalysed: true },
  { subject: '03', filename: 'EP07_01', aus: [{ au: 12, intensity: 'D' }], sheetAus: '6+12', emotion: 'disgust' },
  { subject: '04', filename: 'EP08_01', aus: [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'E' }], sheetAus: '1+2', emotion: 'surprise', noApex: true, timing: { onset: 12, apex: 18, offset: 28, sheetOnset: 10 } },
];
const FRAMES = 40;
const TIMING = { onset: 8, apex: 14, offset: 24 };

let root: string;
let services: Services;
let evaluation: WorkspaceEvaluation;

async function call<T>(table: ReturnType<typeof createHandlerTable>, channel: string, payload: unknown): Promise<T> {
  const result = await dispatch(table, channel, payload, { transport: 'direct' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mellm-evaluate-'));
  const media = join(root, 'CASME2_RAW_selected');
  const face = new FaceService(defaultModelsDir());
  try {
    const subject = await sampleFace(await face.models());
    for (const [i, clip] of CLIPS.entries()) {
      const { onset, apex, offset } = clip.timing ?? TIMING;
      const synth = meClip(subject, { aus: clip.aus, fps: 200, frames: FRAMES, onset, apex, offset, seed: 11 + i });
      const dir = join(media, `sub${clip.subject}`, clip.filename);
      mkdirSync(dir, { recursive: true });
      for (let t = 0; t < FRAMES; t += 1) {
        const image = synth.render(t);
        // CASME II numbers its frames from 1: img1.jpg is project frame 0.
        await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(dir, `img${t + 1}.jpg`));
      }
    }
  } finally {
    await face.dispose();
  }
  const header = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion'];
  const rows = CLIPS.map((c) => {
    const t = c.timing ?? { ...TIMING, sheetOnset: TIMING.onset };
    return [c.subject, c.filename, t.sheetOnset + 1, c.noApex ? '/' : t.apex + 1, t.offset + 1, c.sheetAus, c.emotion];
  });
  const sheet = await writeSheet(join(root, 'CASME2-coding-20140508.xlsx'), [header, ...rows]);

  // One analysis at a time: the goldens name analyses by id, which follow the order they finish in.
  services = createServices({ userDataDir: join(root, 'home'), jobConcurrency: 1 });
  const table = createHandlerTable(services);
  const finished = new Map<string, (job: Job) => void>();
  services.events.subscribe((event, payload) => {
    if (event === 'job.finished') finished.get((payload as Job).jobId)?.(payload as Job);
  });
  await call(table, 'workspace.create', { path: join(root, 'casme2.mellm') });
  const ws = services.workspaces.require();
  expect(await commitImport(ws, { sheet, root: media, dataset: 'casme2' })).toMatchObject({ eventsAdded: CLIPS.length });
  const events = (await ws.corpus.snapshot()).rows;
  const clipsById = (await ws.corpus.snapshot()).clips;
  const jobs: Promise<Job>[] = [];
  for (const [eventId, clipId] of events) {
    const name = clipsById.get(clipId)?.datasetFilename;
    if (CLIPS.find((c) => c.filename === name)?.unanalysed) continue;
    const { jobId } = await call<{ jobId: string }>(table, 'analysis.run', { eventId });
    jobs.push(new Promise((resolve) => finished.set(jobId, resolve)));
  }
  for (const job of await Promise.all(jobs)) expect(job.state, JSON.stringify(job.error)).toBe('done');
  evaluation = await evaluateWorkspace(ws, { kind: 'dataset' }, { kind: 'latest' }, { resamples: 1000, seed: 1 });
  if (process.env.MELLM_EVALUATION_CASES) writeFileSync(process.env.MELLM_EVALUATION_CASES, JSON.stringify(casesOf(evaluation), null, 2));
}, 180_000);

afterAll(async () => {
  await closeServices();
  rmSync(root, { recursive: true, force: true });
});

let closed = false;
async function closeServices(): Promise<void> {
  if (services && !closed) await disposeServices(services);
  closed = true;
}

/** What the goldens were computed from: per event the label and the model's reading, as the evaluation read them. */
function casesOf(e: WorkspaceEvaluation): { settings: EvaluationReport['settings']; cases: readonly EvaluationCase[] } {
  return { settings: e.report.settings, cases: e.cases };
}

/** Every field the golden holds, numbers to 1e-9 (sklearn computes F1 as 2PR / (P + R)); fields it does not hold are not compared. */
function expectGolden(actual: unknown, golden: unknown, path: string): void {
  if (typeof golden === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - golden), `${path}: ${actual} vs sklearn ${golden}`).toBeLessThan(1e-9);
  } else if (Array.isArray(golden)) {
    expect(Array.isArray(actual) && actual.length, path).toBe(golden.length);
    golden.forEach((g, i) => expectGolden((actual as unknown[])[i], g, `${path}[${i}]`));
  } else if (golden !== null && typeof golden === 'object') {
    for (const [key, g] of Object.entries(golden)) expectGolden((actual as Record<string, unknown>)[key], g, `${path}.${key}`);
  } else expect(actual, path).toBe(golden);
}

describe('mellm evaluate against scikit-learn goldens', () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8'));

  it('reads the same cases the goldens were computed from (labels as imported, the pipeline\'s readings)', () => {
    expect(casesOf(evaluation)).toEqual({ settings: golden.settings, cases: golden.cases });
  });

  it('covers an empty class, a missing analysis, an uncertain label, an uncertain code and alternatives', () => {
    const { report } = evaluation;
    expect(report.megc.classes.find((c) => c.label === 'positive')?.support).toBe(0);
    expect(report.missingAnalysis).toHaveLength(1);
    expect(report.aus).toMatchObject({ uncertainLabels: 1, uncertainCodes: 1, alternatives: 1 });
    expect(report.timing.spotted).toBeGreaterThan(0);
  });

  it('mellm evaluate prints the same figures, writes them as CSV, and groups by subject', async () => {
    await closeServices();
    const workspace = join(root, 'casme2.mellm');
    const run = async (args: string[]) => {
      const out: string[] = [];
      const code = await evaluateCommand.run(['--workspace', workspace, ...args], { out: (t) => out.push(t), err: (t) => out.push(t) }, () => {
        throw new Error('evaluate needs no services');
      });
      return { code, text: out.join('\n') };
    };
    const json = await run(['--json', '--by', 'subject']);
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.text) as WorkspaceEvaluation;
    expect(printed.report.aus.macroF1).toEqual(evaluation.report.aus.macroF1);
    expect(printed.report.groups.map((g) => g.key)).toEqual(['casme2/01', 'casme2/02', 'casme2/03', 'casme2/04']);
    expect(printed.report.groups.find((g) => g.key === 'casme2/03')?.missingAnalysis).toEqual(evaluation.report.missingAnalysis);
    const text = await run([]);
    expect(text.text).toContain(`AU macro F1 ${(evaluation.report.aus.macroF1.value as number).toFixed(3)} [`);
    expect(text.text).toContain(`${evaluation.report.missingAnalysis.length} without analysis`);
    const csvPath = join(root, 'evaluation.csv');
    expect((await run(['--csv', csvPath])).code).toBe(0);
    const lines = readFileSync(csvPath, 'utf8').split('\r\n');
    expect(lines[0]).toBe('group,section,metric,key,n,value,ci_low,ci_high');
    const uf1 = evaluation.report.megc.uf1;
    expect(lines).toContain(`all,MEGC 3-class,uf1,,${evaluation.report.megc.n},${uf1.value},${uf1.low},${uf1.high}`);
    await expect(run(['--against', 'nobody'])).rejects.toThrow(/No annotator “nobody”/);
    // Side by side: the run of analysis 1 (every analysis here has its models) against the newest of each event.
    const versus = JSON.parse((await run(['--analysis', '1', '--versus', 'latest', '--json'])).text) as { a: string; comparison: { paired: number; unpaired: number; rows: { metric: string; difference: { value: number } }[] } };
    expect(versus.a).toBe('run of analysis 1');
    expect(versus.comparison).toMatchObject({ paired: evaluation.report.analysed, unpaired: evaluation.report.missingAnalysis.length });
    expect(versus.comparison.rows.map((r) => [r.metric, r.difference.value])).toEqual([['AU macro F1', 0], ['AU + side macro F1', 0], ['MEGC UF1', 0], ['MEGC UAR', 0]]);
    await expect(run(['--analysis', '99999'])).rejects.toThrow(/No analysis 99999/);
    const htmlPath = join(root, 'evaluation.html');
    expect((await run(['--html', htmlPath, '--by', 'dataset'])).code).toBe(0);
    const html = readFileSync(htmlPath, 'utf8');
    // Self-contained: Chart.js inlined, nothing fetched; the settings and the figures written out.
    expect(html).toContain('new Chart(el, c.config)');
    expect(html).toMatch(/Chart\.js v4/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toContain(`macro F1 ${(evaluation.report.aus.macroF1.value as number).toFixed(3)}`);
    expect(html).toContain('seed 1');
    expect(html).toContain(`Without analysis (1): events ${evaluation.report.missingAnalysis[0]}`);
  });

  it.each(['labelled', 'analysed', 'missingAnalysis', 'aus', 'megc', 'datasetClasses', 'timing', 'spotting'])('%s equals the sklearn figures, intervals included', (section) => {
    expectGolden((evaluation.report as unknown as Record<string, unknown>)[section], golden.expected[section], section);
  });
});
