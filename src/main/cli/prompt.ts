import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PromptFormatSchema, RoiReportSchema, type PromptFormat } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { buildPrompt } from '../analysis/prompt';
import { runAnalyzeTask } from '../analysis/pipeline/task';
import { FRAME_OPTIONS, PROMPT_FORMAT_OPTION } from './args';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({ ...PROMPT_FORMAT_OPTION, ...FRAME_OPTIONS });
import type { CliCommand } from './command';

/** An analysis file is read whole: a stored analysis with its per-frame curve stays far below this. */
const MAX_ANALYSIS_BYTES = 64 * 2 ** 20;

/** What a prompt is taken from: `mellm analyze --json` output, an expression report, or a stored analysis (`expression`). */
const AnalysisPromptSchema = z.object({
  prompt: z.string().optional(),
  prompt_format: PromptFormatSchema.optional(),
  rois: z.array(RoiReportSchema).optional(),
});

export async function readAnalysisJson(path: string): Promise<unknown> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError('INVALID_INPUT', `${path} is not a file.`);
    if (info.size > MAX_ANALYSIS_BYTES) throw new AppError('INVALID_INPUT', `${path} is ${info.size} bytes; an analysis JSON is at most ${MAX_ANALYSIS_BYTES}.`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('NOT_FOUND', `${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('INVALID_INPUT', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The prompt of an analysis: with a format, written afresh in it from the analysis' ROI
 * reports; without one, the prompt the analysis stored (in the format it was made with).
 */
export function analysisPrompt(analysis: unknown, path: string, format?: PromptFormat): string {
  const body = analysis && typeof analysis === 'object' && 'expression' in analysis ? (analysis as { expression: unknown }).expression : analysis;
  const parsed = AnalysisPromptSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `${path}: ${issue?.path.join('.') || 'the analysis'}: ${issue?.message ?? 'is not an analysis'}`);
  }
  const { prompt, prompt_format: stored, rois } = parsed.data;
  if (format === undefined || (!rois && prompt?.trim() && (stored ?? 'json') === format)) {
    if (!prompt?.trim()) throw new AppError('INVALID_INPUT', `${path} has no "prompt" text field.`);
    return prompt;
  }
  if (!rois?.length) throw new AppError('INVALID_INPUT', `${path} has no ROI reports ("rois") to write a ${format} prompt from.`);
  return buildPrompt(rois, format);
}

/** `mellm prompt`: the prompt an LLM gets for an analysis, or for a clip analysed now. */
export const promptCommand: CliCommand = {
  name: 'prompt',
  summary: "print the prompt an LLM gets (mellm: the MELLM reference's text, or json) for an analysis JSON or a clip",
  usage:
    'mellm prompt <analysis.json> [--prompt-format mellm|json]\n' +
    '       mellm prompt <clip or frame folder> [--onset N --apex M [--offset K]] [--prompt-format mellm|json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [path] = positionals;
    if (!path || positionals.length > 1) throw new AppError('INVALID_INPUT', `Give exactly one analysis JSON or clip.\nUsage: ${this.usage}`);
    const format = values['prompt-format'] ?? 'mellm';
    let prompt: string;
    if (path.toLowerCase().endsWith('.json')) {
      if (values.onset !== undefined || values.apex !== undefined || values.offset !== undefined) {
        throw new AppError('INVALID_INPUT', '--onset, --apex and --offset are for a clip; an analysis JSON has its frames.');
      }
      prompt = analysisPrompt(await readAnalysisJson(path), path, format);
    } else {
      const { onset, apex, offset } = values;
      if ((onset === undefined) !== (apex === undefined)) throw new AppError('INVALID_INPUT', 'Give --onset and --apex together');
      const s = services();
      const output = await runAnalyzeTask({ path: resolve(path), onset, apex, offset, promptFormat: format }, { modelsDir: s.paths.models }, { templates: s.sandbox });
      prompt = output.report.prompt;
      if (!prompt) throw new AppError('NOT_FOUND', `No micro-expression was found in ${path}, so there is no prompt; give --onset and --apex to analyse given frames.`);
    }
    // The text exactly as the model gets it (a mellm prompt ends with its own newline).
    const write = io.write ?? io.out;
    write(prompt.endsWith('\n') || !io.write ? prompt : `${prompt}\n`);
    return 0;
  },
};
