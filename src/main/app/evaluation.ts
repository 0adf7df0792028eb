import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '@shared/errors';
import type { Analysis } from '@shared/workspace';
import type { NothingLabelled } from '@shared/api/evaluation';
import { readStoredResult } from '../analysis/stored-analysis';
import { packageDir } from '../inference/manifest';
import { packageVersion } from '../paths';
import { compareRuns, evaluate, evaluationHtml, type RunComparison, type EvaluationCase, type EvaluationLabel, type EvaluationOptions, type EvaluationPrediction, type EvaluationReport } from '../corpus/evaluate';
import type { CorpusClip, CorpusRow, WorkspaceStore } from '../store';

/**
 * `mellm evaluate` and the Evaluation view: reads the reference labels and the analyses
 * of a workspace into plain evaluation cases and hands them to corpus/evaluate.
 */

/** Whose labels are the truth: the dataset sheet's, one annotator's, or the approved ones. */
export type EvaluationReference = { readonly kind: 'dataset' } | { readonly kind: 'approved' } | { readonly kind: 'annotator'; readonly name: string };

/** Which analysis of each event is scored: the newest, or the newest made with the same models as one analysis (a run). */
export type AnalysisChoice = { readonly kind: 'latest' } | { readonly kind: 'run'; readonly analysisId: number };

export function parseReference(text: string): EvaluationReference {
  const value = text.trim();
  if (value === '') throw new AppError('INVALID_INPUT', '--against takes dataset, approved or an annotator name.');
  if (value === 'dataset' || value === '(dataset)') return { kind: 'dataset' };
  if (value === 'approved') return { kind: 'approved' };
  return { kind: 'annotator', name: value };
}

export function parseAnalysisChoice(text: string): AnalysisChoice {
  if (text === 'latest') return { kind: 'latest' };
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw new AppError('INVALID_INPUT', `--analysis takes latest or an analysis id (got “${text}”).`);
  return { kind: 'run', analysisId: Number(text) };
}

export function describeReference(reference: EvaluationReference): string {
  return reference.kind === 'annotator' ? reference.name : reference.kind;
}

const modelsKey = (analysis: Analysis): string => JSON.stringify(analysis.models.map((m) => [m.id, m.version]).sort());

/** The prediction a stored analysis row holds, or why it cannot be read. */
function predictionOf(analysis: Analysis): { prediction: EvaluationPrediction; reason: null } | { prediction: null; reason: string } {
  const { value, reason } = readStoredResult(analysis.result);
  if (!value) return { prediction: null, reason: `analysis ${analysis.id}: ${reason}` };
  const { expression, spotting } = value;
  return {
    reason: null,
    prediction: {
      analysisId: String(analysis.id),
      aus: expression.aus.map((a) => ({ au: Number(a.code.slice(2)), side: a.side, intensity: a.intensity })),
      label3: expression.emotion.label3,
      emotion: expression.emotion.label,
      source: spotting.source,
      onset: spotting.source === 'none' ? null : expression.onset,
      apex: spotting.source === 'none' ? null : expression.apex,
      intervals: spotting.intervals.map((iv) => ({ onset: iv.onset, apex: iv.apex, offset: iv.offset })),
    },
  };
}

/** The reference's label of one event from its corpus rows (one per annotation), or null when it gave none. */
function labelOf(rows: readonly CorpusRow[], clip: CorpusClip, reference: EvaluationReference, names: ReadonlyMap<number, string>): EvaluationLabel | null {
  const first = rows[0] as CorpusRow;
  const [eventId, clipId, onset, apex, offset, , , , datasetAus, datasetEmotion] = first;
  const base = { eventId: String(eventId), clipId: String(clipId), dataset: clip.dataset ?? 'workspace', subject: clip.subject ?? '', fps: clip.fps, onset, apex, offset };
  if (reference.kind === 'dataset') {
    return datasetAus === null && datasetEmotion === null ? null : { ...base, aus: datasetAus ?? '', emotion: datasetEmotion };
  }
  const row = rows.find((r) => {
    const [, , , , , , , , , , annotationId, annotatorId, , , , , status] = r;
    if (annotationId === null) return false;
    return reference.kind === 'approved' ? status === 'approved' : names.get(annotatorId as number) === reference.name;
  });
  if (!row) return null;
  const [, , , , , , , , , , , , aus, emotion, label3] = row;
  return { ...base, aus: aus ?? '', emotion, label3 };
}

export interface WorkspaceEvaluation {
  readonly reference: string;
  readonly analysis: string;
  readonly report: EvaluationReport;
  /** What was scored: each labelled event with the model's reading of it. */
  readonly cases: readonly EvaluationCase[];
  /** The models of the analyses scored (id and version), sorted. */
  readonly models: readonly { readonly id: string; readonly version: string }[];
}

/** Evaluates a workspace's analyses against one reference's labels. */
interface Labelled {
  readonly labelled: readonly EvaluationLabel[];
  readonly analysesOf: ReadonlyMap<number, readonly Analysis[]>;
}

/** Annotators named when a reference has no labels: enough to pick from, never a long list. */
const NAMES_SAID = 8;

/** The reference's labelled events, in corpus order, with every analysis of each. */
async function readLabelled(ws: WorkspaceStore, reference: EvaluationReference): Promise<Labelled> {
  const { clips, annotatorNames, rows } = await ws.corpus.snapshot();
  if (reference.kind === 'annotator' && ![...annotatorNames.values()].includes(reference.name)) {
    const known = [...annotatorNames.values()].sort();
    throw new AppError('NOT_FOUND', `No annotator “${reference.name}” in this workspace${known.length ? ` (annotators: ${known.join(', ')})` : ''}; --against takes dataset, approved or an annotator name.`);
  }
  // Rows come ordered by clip and event: one pass groups each event's annotations.
  const events: CorpusRow[][] = [];
  for (const row of rows) {
    const last = events.at(-1);
    if (last && (last[0] as CorpusRow)[0] === row[0]) last.push(row);
    else events.push([row]);
  }
  const analysesOf = new Map<number, Analysis[]>();
  const labelled: EvaluationLabel[] = [];
  const labellers = new Set<string>();
  for (const eventRows of events) {
    for (const row of eventRows) if (row[10] !== null && row[11] !== null) labellers.add(annotatorNames.get(row[11] as number) ?? '');
    const [eventId, clipId] = eventRows[0] as CorpusRow;
    const label = labelOf(eventRows, clips.get(clipId) as CorpusClip, reference, annotatorNames);
    if (!label) continue;
    labelled.push(label);
    analysesOf.set(eventId, await ws.analyses.listForEvent(eventId));
  }
  if (labelled.length === 0) {
    const annotators = [...labellers].filter(Boolean).sort().slice(0, NAMES_SAID);
    const detail: NothingLabelled = { reason: 'nothing-labelled', reference, annotators };
    throw new AppError('NOT_FOUND', `Nothing to evaluate: no event of ${basename(ws.location)} carries labels from ${describeReference(reference)}${annotators.length ? ` (labels here come from ${annotators.join(', ')})` : ''}.`, { detail });
  }
  return { labelled, analysesOf };
}

/** Each labelled event with the analysis `choice` picks (the newest, or the run's). */
function casesFor({ labelled, analysesOf }: Labelled, choice: AnalysisChoice): Omit<WorkspaceEvaluation, 'reference' | 'report'> {
  let runModels: string | null = null;
  if (choice.kind === 'run') {
    for (const analyses of analysesOf.values()) {
      const chosen = analyses.find((a) => a.id === choice.analysisId);
      if (chosen) runModels = modelsKey(chosen);
    }
    if (runModels === null) throw new AppError('NOT_FOUND', `No analysis ${choice.analysisId} of a labelled event in this workspace; --analysis takes latest or the id of one analysis of the run.`);
  }
  const models = new Map<string, { id: string; version: string }>();
  const cases: EvaluationCase[] = labelled.map((label) => {
    const analyses = analysesOf.get(Number(label.eventId)) ?? [];
    const analysis = choice.kind === 'latest' ? analyses[0] : analyses.find((a) => modelsKey(a) === runModels);
    if (!analysis) return { label, prediction: null };
    for (const m of analysis.models) models.set(`${m.id} ${m.version}`, { id: m.id, version: m.version });
    const read = predictionOf(analysis);
    return { label, prediction: read.prediction, unreadable: read.reason };
  });
  const name = choice.kind === 'latest' ? 'latest' : `run of analysis ${choice.analysisId}`;
  return { analysis: name, cases, models: [...models.keys()].sort().map((k) => models.get(k) as { id: string; version: string }) };
}

/** Evaluates a workspace's analyses against one reference's labels. */
export async function evaluateWorkspace(ws: WorkspaceStore, reference: EvaluationReference, choice: AnalysisChoice, options: EvaluationOptions = {}): Promise<WorkspaceEvaluation> {
  const run = casesFor(await readLabelled(ws, reference), choice);
  return { reference: describeReference(reference), ...run, report: evaluate(run.cases, options) };
}

export interface WorkspaceComparison {
  readonly reference: string;
  readonly a: string;
  readonly b: string;
  readonly comparison: RunComparison;
}

/** Two analysis runs of the same labelled events side by side (A − B with paired intervals). */
export async function compareWorkspaceRuns(ws: WorkspaceStore, reference: EvaluationReference, a: AnalysisChoice, b: AnalysisChoice, options: EvaluationOptions = {}): Promise<WorkspaceComparison> {
  const labelled = await readLabelled(ws, reference);
  const [runA, runB] = [casesFor(labelled, a), casesFor(labelled, b)];
  return { reference: describeReference(reference), a: runA.analysis, b: runB.analysis, comparison: compareRuns(runA.cases, runB.cases, options) };
}

/** Chart.js's self-contained build from the app's own dependencies, or null when it cannot be found (the report then has tables only). */
export async function chartLibrary(): Promise<string | null> {
  const dir = packageDir('chart.js');
  if (!dir) return null;
  try {
    return await readFile(join(dir, 'dist', 'chart.umd.min.js'), 'utf8');
  } catch {
    return null;
  }
}

/** The evaluation as a self-contained HTML report. */
export async function evaluationReportHtml(evaluation: WorkspaceEvaluation): Promise<string> {
  return evaluationHtml(evaluation.report, {
    reference: evaluation.reference,
    analysis: evaluation.analysis,
    models: evaluation.models,
    softwareVersion: packageVersion(),
    chartJs: await chartLibrary(),
  });
}
