import { readFile } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { PromptFormat } from '@shared/api/analysis';
import { generationFor } from '@shared/llm-generation';
import { describeWithLlm } from '../inference/llm/describe';
import { PROMPT_FORMAT_OPTION } from './args';
import type { CliCommand } from './command';
import { analysisPrompt, readAnalysisJson } from './prompt';
import { LLM_GENERATION_OPTIONS, LLM_GENERATION_USAGE, llmGenerationArgs } from './llm-generation-args';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({
  llm: { kind: 'text', value: 'folder', help: 'the language model folder (Qwen3-family ONNX)' },
  stream: { kind: 'flag', help: 'print the text as it is generated' },
  ...LLM_GENERATION_OPTIONS,
  'keep-thinking': { kind: 'flag', help: 'keep the <think> block in the text shown' },
  json: { kind: 'flag', help: 'print the result as JSON' },
  ...PROMPT_FORMAT_OPTION,
});

/**
 * The prompt text from a plain prompt file, or from an analysis JSON: its own prompt, or
 * with a format written afresh in that format from its ROI reports.
 */
export async function readPromptFile(path: string, format?: PromptFormat): Promise<string> {
  if (path.toLowerCase().endsWith('.json')) return analysisPrompt(await readAnalysisJson(path), path, format);
  if (format !== undefined) throw new AppError('INVALID_INPUT', '--prompt-format rewrites an analysis JSON\'s prompt; a prompt text file is used as it is.');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('NOT_FOUND', `${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

export const describeCommand: CliCommand = {
  name: 'describe',
  summary: 'describe a micro-expression with a language model from a prompt file or analysis JSON',
  usage:
    `mellm describe <prompt.txt | analysis.json> --llm <folder> [--prompt-format mellm|json] [--stream] ${LLM_GENERATION_USAGE} [--keep-thinking] [--json]\n` +
    "  an analysis JSON's own prompt is used unless --prompt-format asks for it in another format;\n" +
    '  generates as MELLM does: greedy, the chat template\'s thinking default (Qwen3: on), but at most 2048 new tokens (MELLM: 16384);\n' +
    '  Settings (llmMaxNewTokens, llmThinking) and the flags change that. The text shown leaves out the <think> block\n' +
    '  (--keep-thinking keeps it; --json has it as "thinking").',
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const format = values['prompt-format'];
    const [file] = positionals;
    if (!file || positionals.length > 1 || !values.llm) throw new AppError('INVALID_INPUT', `A prompt file and --llm <folder> are needed.\nUsage: ${this.usage}`);
    const generation = generationFor(await services().settings.get(), llmGenerationArgs(values));
    const write = io.write ?? io.out;
    const result = await describeWithLlm(await readPromptFile(file, format), {
      folder: values.llm,
      // The services' model: its chat template renders in the sandbox process.
      pool: services().llm.pool,
      ...generation,
      keepThinking: values['keep-thinking'],
      ...(values.stream && !values.json ? { onDelta: (delta: string) => write(delta) } : {}),
    });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else if (values.stream) write('\n');
    else io.out(result.text);
    return 0;
  },
};
