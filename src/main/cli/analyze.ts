import { resolve } from 'node:path';
import { normalizeLocation } from '../store/location';
import { AnalyzeReportSchema } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { generationFor, type LlmGeneration } from '@shared/llm-generation';
import { runAnalyzeTask, type TaskHooks } from '../analysis/pipeline/task';
import { ensureClip, overlayDir, storeRun, writeOverlaySources } from '../app/analysis-store';
import { spottingRunMaker } from '../app/spotting-run';
import { analysisBudget } from '../jobs/budget';
import { packageVersion } from '../paths';
import { JobQueue } from '../jobs/queue';
import type { Services } from '../api/context';
import type { PromptFormat } from '@shared/api/analysis';
import type { AnalysisFlow } from '@shared/api/flow';
import { FRAME_OPTIONS, PROMPT_FORMAT_OPTION, flowModelArg } from './args';
import { analyzeSummary } from './analyze-summary';
import type { CliCommand, CliIO } from './command';
import { LLM_GENERATION_OPTIONS, LLM_GENERATION_USAGE, llmGenerationArgs } from './llm-generation-args';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({
  ...FRAME_OPTIONS,
  workspace: { kind: 'text', value: 'file|url', help: 'store the analysis in this workspace (with --all: analyse its clips)' },
  all: { kind: 'flag', help: "every event of the workspace without an analysis under the current settings" },
  jobs: { kind: 'int', value: 'N', min: 1, max: 16, help: 'analyses at once (job processes), with --all; default one per core, up to 4' },
  redo: { kind: 'flag', help: 'analyse everything again, with --all' },
  llm: { kind: 'text', value: 'folder', help: 'a language model folder writes the description' },
  ...LLM_GENERATION_OPTIONS,
  ...PROMPT_FORMAT_OPTION,
  'flow-model': { kind: 'text', value: 'fast|balanced|accurate|folder', help: 'the onset → apex flow: a generated preset or a learned model folder with flow.json (default: Settings → Analysis)' },
  fps: { kind: 'positive', value: 'R', help: "the rate the face was filmed at, when the file's is not (a 200-fps clip re-encoded at 30); durations and micro/macro use it; with --workspace it is kept as the clip's" },
  json: { kind: 'flag', help: 'print the report as JSON' },
});

/** `mellm analyze`: one clip through the MELLM pipeline, or every clip of a workspace. */
export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'run the MELLM pipeline on a clip or frame folder (spotting, flow, ROI features, AUs, emotion, description)',
  usage:
    `mellm analyze <clip or frame folder> [--onset N --apex M [--offset K]] [--fps R] [--workspace w.mellm] [--llm <folder> ${LLM_GENERATION_USAGE}] [--prompt-format mellm|json] [--flow-model fast|balanced|accurate|<folder>] [--json]\n` +
    `       mellm analyze --workspace w.mellm --all [--jobs N] [--redo] [--flow-model fast|balanced|accurate|<folder>] [--llm <folder> ${LLM_GENERATION_USAGE}] [--prompt-format mellm|json] [--json]\n` +
    "The prompt (stored, and what an LLM gets) is the MELLM reference's text (mellm) unless --prompt-format json;\n" +
    "the batch form takes the settings' format (mellm by default) when the flag is absent.",
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const promptFormat = values['prompt-format'];
    const generation = llmGenerationArgs(values);
    const flow = flowModelArg(values['flow-model'], (await services().settings.get()).analysisFlow);
    if (values.all) {
      if (positionals.length > 0 || !values.workspace) throw new AppError('INVALID_INPUT', 'The batch form is: mellm analyze --workspace w.mellm --all [--jobs N]');
      // Each clip keeps its own capture rate (set on import or in Corpus): one rate for all of them would be wrong for most.
      if (values.fps !== undefined) throw new AppError('INVALID_INPUT', "--fps sets one clip's capture rate: give it with a clip, not with --all");
      return runBatch(services(), io, normalizeLocation(values.workspace), { jobs: values.jobs, redo: values.redo, llm: values.llm, generation, promptFormat, flow, json: values.json });
    }
    const [path] = positionals;
    if (!path || positionals.length > 1) throw new AppError('INVALID_INPUT', 'Give exactly one clip (video file or frame folder)');
    const { onset, apex, offset } = values;
    if ((onset === undefined) !== (apex === undefined)) throw new AppError('INVALID_INPUT', 'Give --onset and --apex together');
    if (offset !== undefined && apex === undefined) throw new AppError('INVALID_INPUT', '--offset needs --onset and --apex');
    const s = services();
    const clipPath = resolve(path);
    const settings = await s.settings.get();
    if (values.fps !== undefined && !(values.fps <= 10_000)) throw new AppError('INVALID_INPUT', `--fps must be at most 10000 frames per second (got ${values.fps})`);
    // A clip already in the workspace keeps the capture rate it was given (import, Corpus) unless --fps says otherwise.
    let known: number | undefined;
    if (values.workspace) {
      await s.workspaces.open(normalizeLocation(values.workspace));
      known = (await s.workspaces.require().clips.byPath(clipPath))?.captureFps;
    }
    const task = {
      path: clipPath,
      onset,
      apex,
      offset,
      llmFolder: values.llm ?? null,
      llmGeneration: generationFor(settings, generation),
      promptFormat: promptFormat ?? ('mellm' as const),
      flow,
      frameMotion: values.workspace !== undefined,
      captureFps: values.fps ?? known,
      classThresholds: settings.expressionClasses,
    };
    const output = await runAnalyzeTask(task, { modelsDir: s.paths.models }, { templates: s.sandbox, sessions: s.sandbox }, { progress: scanProgress(io) });
    const report = AnalyzeReportSchema.parse(output.report);
    if (values.workspace) {
      await s.workspaces.open(normalizeLocation(values.workspace));
      const workspace = s.workspaces.require();
      let { clip } = await ensureClip(workspace, clipPath, s.clipMedia);
      if (values.fps !== undefined && clip.captureFps !== values.fps) clip = await workspace.clips.setCaptureFps(clip.id, values.fps);
      // Spotted whole (no onset given): the clip keeps the run, whatever it offered.
      const run = onset === undefined ? spottingRunMaker(workspace, settings.annotator, clip, task, { appVersion: packageVersion(), configKey: null }) : null;
      const ids = await storeRun(workspace, clip, output, { eventId: undefined, userGiven: onset !== undefined, configKey: null, run });
      if (ids[0] !== undefined && output.overlay) await writeOverlaySources(overlayDir(s.paths.userData, workspace.location, ids[0]), output.overlay);
    }
    io.out(values.json ? JSON.stringify(report) : analyzeSummary(report));
    return 0;
  },
};

/** A recording's spotting scan takes minutes: say how far it is, now and then, on stderr. */
const SCAN_REPORT_MS = 10_000;
function scanProgress(io: CliIO): NonNullable<TaskHooks['progress']> {
  let last = performance.now();
  return (_done, _total, _message, scan) => {
    if (!scan || scan.etaSeconds === null || performance.now() - last < SCAN_REPORT_MS) return;
    last = performance.now();
    const left = scan.etaSeconds >= 60 ? `${Math.floor(scan.etaSeconds / 60)} min ${scan.etaSeconds % 60} s` : `${scan.etaSeconds} s`;
    io.err(`spotting: frame ${scan.framesDone} of ${scan.framesTotal} (${scan.framesPerSecond} frames/s), about ${left} left`);
  };
}

const BAR = 24;

/** Every clip of a workspace, N at a time; finished clips are stored as they finish, so a rerun resumes. */
interface BatchOptions {
  readonly jobs: number | undefined;
  readonly redo: boolean;
  readonly llm: string | undefined;
  readonly generation: Partial<LlmGeneration>;
  readonly promptFormat: PromptFormat | undefined;
  readonly flow: AnalysisFlow;
  readonly json: boolean;
}

async function runBatch(s: Services, io: CliIO, workspacePath: string, options: BatchOptions): Promise<number> {
  const { jobs, redo, llm, generation, promptFormat, flow, json } = options;
  await s.workspaces.open(workspacePath);
  const budget = analysisBudget(jobs);
  const queue = new JobQueue(s.events, budget.processes);
  const { jobs: handles, skipped } = await s.analysis.runAll({ redo, llmFolder: llm, llmGeneration: generation, promptFormat, flow }, queue);
  const total = handles.length;
  let finished = 0;
  const failed: Array<{ job: string; error: string }> = [];
  // Units another workstation analysed (or is analysing) while this batch ran: not ours to count.
  let elsewhere = 0;
  const bar = (label: string) => {
    const filled = total ? Math.round((finished / total) * BAR) : BAR;
    io.err(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${finished}/${total} ${label}`);
  };
  const stop = () => void s.analysis.dispose();
  process.once('SIGINT', stop);
  try {
    await Promise.all(
      handles.map((h) =>
        h.result.then(
          (r) => {
            finished += 1;
            if (r.skipped) elsewhere += 1;
            bar(r.skipped ? `clip ${r.clipId}: ${r.skipped}` : `clip ${r.clipId}: ${r.analysisIds.length} analysis(es)`);
          },
          (error: unknown) => {
            finished += 1;
            const message = AppError.from(error).message;
            failed.push({ job: h.jobId, error: message });
            bar(`failed: ${message}`);
          },
        ),
      ),
    );
  } finally {
    process.off('SIGINT', stop);
  }
  const result = { queued: total, analysed: total - failed.length - elsewhere, elsewhere, skipped, failed, processes: budget.processes, intraOpThreads: budget.intraOpThreads };
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  io.out(
    json
      ? JSON.stringify(result)
      : `${result.analysed} analysed, ${elsewhere ? `${elsewhere} analysed by another workstation, ` : ''}${skipped} skipped (already done), ${failed.length} failed (${count(budget.processes, 'job process', 'job processes')} × ${count(budget.intraOpThreads, 'ONNX Runtime thread', 'ONNX Runtime threads')})`,
  );
  return failed.length ? 1 : 0;
}
