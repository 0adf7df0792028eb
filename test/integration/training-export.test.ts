import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { label3OfEmotion } from '../../src/main/app/records-from-store';
import type { InstructionRecord } from '../../src/main/corpus/export/jsonl';
import { jobFinished } from '../helpers/jobs';

/**
 * The training export through the real path: the demo corpus (`mellm synth --demo`: six
 * synthetic MEs laid out as CASME II with their coding sheet) analysed by the pipeline,
 * stored by the store, exported as instruction JSONL, MEGC lists and the review's model
 * column; once through the app's channels, once through the built CLI.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'out/main/cli.js');

interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** The built CLI in a child process, as a user runs it. */
function cli(...argv: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...argv], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** The coding sheet `mellm synth --demo` wrote: one labelled event per row. */
interface SheetRow {
  readonly subject: string;
  readonly filename: string;
  readonly aus: string;
  readonly emotion: string;
}

function sheetRows(sheet: string): SheetRow[] {
  const [header, ...lines] = readFileSync(sheet, 'utf8').trim().split('\n');
  expect(header).toBe('Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Action Units,Estimated Emotion');
  return lines.map((line) => {
    const [subject, filename, , , , aus, emotion] = line.split(',') as string[];
    return { subject: subject as string, filename: filename as string, aus: aus as string, emotion: emotion as string };
  });
}

/** A line of the file, read back as the exporter's own record type. */
type InstructionLine = InstructionRecord;

function jsonLines(file: string): InstructionLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as InstructionLine);
}

const capital = (label: string) => label[0]?.toUpperCase() + label.slice(1);

/** What every line of an analysed demo corpus must say for its sheet row. */
function expectLineFor(line: InstructionLine | undefined, row: SheetRow): void {
  const label3 = label3OfEmotion(row.emotion) as string;
  expect(line, `${row.filename}: no line`).toBeDefined();
  expect(line).toMatchObject({ promptFormat: 'mellm', dataset: 'casme2', subject: row.subject, annotator: '(dataset)', aus: row.aus, label: label3 });
  expect(line?.prompt.startsWith('Based on the following information, analyze the facial action unit(s) and micro-expression:\n')).toBe(true);
  const sections = line?.response.split(/\n(?=### [23]\. )/) ?? [];
  expect(sections.map((s) => s.slice(0, 6)), line?.response).toEqual(['### 1.', '### 2.', '### 3.']);
  // The label's own AUs, as the coder wrote them, and its MEGC 3-class close the answer.
  expect(line?.response.split('\n').at(-1)).toBe(`AUs: ${row.aus}; micro-expression: ${capital(label3)}`);
}

let demo: { dir: string; sheet: string; root: string; workspace: string; clips: number };
let scratch: string;

beforeAll(async () => {
  expect(existsSync(CLI), 'build first: npm run build').toBe(true);
  scratch = mkdtempSync(join(tmpdir(), 'mellm-training-export-'));
  const made = await cli('synth', '--demo', join(scratch, 'demo'), '--json');
  expect(made.code, made.err).toBe(0);
  demo = JSON.parse(made.out) as typeof demo;
  expect(demo.clips).toBe(6);
}, 240_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('training export through the app: analysis.runAll → store → export.run and review.event', () => {
  const home = join(tmpdir(), `mellm-training-export-home-${process.pid}`);
  const services = createServices({ userDataDir: home });
  const table = createHandlerTable(services);
  const call = async (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });
  const ok = <T>(result: unknown): T => {
    expect(result).toMatchObject({ ok: true });
    return (result as { data: T }).data;
  };
  const finished = (jobId: string) => jobFinished(services, jobId);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(home, { recursive: true, force: true });
  });

  it('writes one instruction line per labelled event with the MELLM prompt and the label as the three-section answer; MEGC lists and the model column agree', async () => {
    ok(await call('workspace.create', { path: join(scratch, 'app.mellm') }));
    const imported = ok<{ eventsAdded: number }>(await call('import.commit', { sheet: demo.sheet, root: demo.root, dataset: 'casme2' }));
    expect(imported.eventsAdded).toBe(6);
    const batch = ok<{ jobIds: string[] }>(await call('analysis.runAll', {}));
    expect(batch.jobIds).toHaveLength(6);
    for (const job of await Promise.all(batch.jobIds.map(finished))) expect(job.state, JSON.stringify(job.error)).toBe('done');

    const folder = join(scratch, 'app-export');
    const outcome = ok<{ files: { format: string; path: string; records: number }[] }>(await call('export.run', { formats: ['jsonl', 'megc'], folder }));
    const workspace = services.workspaces.require();
    const rows = sheetRows(demo.sheet);
    const lines = jsonLines(join(folder, 'instructions.jsonl'));
    expect(lines).toHaveLength(rows.length);
    expect(outcome.files.find((file) => file.format === 'jsonl')?.records).toBe(6);
    for (const row of rows) {
      const line = lines.find((l) => l.clip === row.filename);
      expectLineFor(line, row);
      // The prompt is rebuilt from the stored ROI features: the same text the analysis gave its describer.
      const [analysis] = await workspace.analyses.listForEvent(Number(line?.event));
      expect(line?.prompt).toBe((analysis?.result as { expression: { prompt: string } }).expression.prompt);
    }

    // MEGC recognition: one line per labelled event with the sheet's 3-class label.
    const recognition = readFileSync(join(folder, 'megc-recognition.csv'), 'utf8').trim().split('\r\n');
    expect(recognition.slice(1).sort()).toEqual(rows.map((row) => `casme2,${row.subject},${row.filename},${label3OfEmotion(row.emotion)},${{ negative: 0, positive: 1, surprise: 2 }[label3OfEmotion(row.emotion) as string]}`).sort());

    // The review's model column shows what the pipeline stored for the event.
    ok(await call('annotators.create', { name: 'rita', role: 'reviewer' }));
    ok(await call('settings.update', { annotator: 'rita' }));
    for (const line of lines) {
      const [analysis] = await workspace.analyses.listForEvent(Number(line.event));
      const stored = (analysis?.result as { expression: { facs: string; description: string; emotion: { label: string; label3: string } } }).expression;
      const review = ok<{ model: unknown }>(await call('review.event', { eventId: Number(line.event) }));
      expect(review.model).toMatchObject({ analysisId: analysis?.id, aus: stored.facs, emotion: stored.emotion.label, label3: stored.emotion.label3.toLowerCase(), description: stored.description });
      expect(stored.description.length).toBeGreaterThan(0);
    }
  }, 300_000);
});

describe('training export through the CLI: mellm analyze --workspace → mellm export', () => {
  it('says "no records" with a non-zero exit before the analysis, and exports one line per labelled event after it', async () => {
    const early = join(scratch, 'cli-early');
    const none = await cli('export', '--workspace', demo.workspace, '--format', 'jsonl', '--out', early);
    expect(none.code, none.out + none.err).toBe(3);
    expect(none.out).not.toMatch(/exported 6 records/);
    expect(none.err).toMatch(/instructions\.jsonl: no records: 6 labels, 6 without an analysis of their event/);

    const analysed = await cli('analyze', '--workspace', demo.workspace, '--all');
    expect(analysed.code, analysed.err).toBe(0);
    expect(analysed.out).toContain('6 analysed');

    const folder = join(scratch, 'cli-export');
    const exported = await cli('export', '--workspace', demo.workspace, '--format', 'jsonl,megc', '--out', folder);
    expect(exported.code, exported.out + exported.err).toBe(0);
    expect(exported.out).toMatch(/jsonl\t.*instructions\.jsonl\t6 records \(prompt format mellm\)/);
    const rows = sheetRows(demo.sheet);
    const lines = jsonLines(join(folder, 'instructions.jsonl'));
    expect(lines).toHaveLength(rows.length);
    for (const row of rows) expectLineFor(lines.find((l) => l.clip === row.filename), row);

    const json = await cli('export', '--workspace', demo.workspace, '--format', 'jsonl', '--prompt-format', 'json', '--out', folder, '--force', '--json');
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ records: 6, files: [{ format: 'jsonl', records: 6, promptFormat: 'json' }] });
    expect(jsonLines(join(folder, 'instructions.jsonl')).map((line) => line.promptFormat)).toEqual(rows.map(() => 'json'));
  }, 300_000);
});
