import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { generationFor } from '@shared/llm-generation';
import { describeWithLlm } from '../inference/llm/describe';
import type { CliCommand } from './command';
import { LLM_GENERATION_OPTIONS, LLM_GENERATION_USAGE, llmGenerationArgs } from './llm-generation-args';

/** The prompt text from a plain prompt file or from an analysis JSON's `prompt` field. */
export async function readPromptFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('NOT_FOUND', `${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!path.toLowerCase().endsWith('.json')) return text;
  let analysis: unknown;
  try {
    analysis = JSON.parse(text);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const prompt = (analysis as { prompt?: unknown } | null)?.prompt;
  if (typeof prompt !== 'string' || !prompt.trim()) throw new AppError('INVALID_INPUT', `${path} has no "prompt" text field.`);
  return prompt;
}

export const describeCommand: CliCommand = {
  name: 'describe',
  summary: 'describe a micro-expression with a language model from a prompt file or analysis JSON',
  usage:
    `mellm describe <prompt.txt | analysis.json> --llm <folder> [--stream] ${LLM_GENERATION_USAGE} [--keep-thinking] [--json]\n` +
    '  generates as MELLM does: greedy, the chat template\'s thinking default (Qwen3: on), at most 16384 new tokens;\n' +
    '  Settings (llmMaxNewTokens, llmThinking) and the flags change that. The text shown leaves out the <think> block\n' +
    '  (--keep-thinking keeps it; --json has it as "thinking").',
  async run(args, io, services) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      allowNegative: true,
      options: {
        llm: { type: 'string' },
        stream: { type: 'boolean', default: false },
        ...LLM_GENERATION_OPTIONS,
        'keep-thinking': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const [file] = positionals;
    if (!file || !values.llm) throw new AppError('INVALID_INPUT', `A prompt file and --llm <folder> are needed.\nUsage: ${this.usage}`);
    const generation = generationFor(await services().settings.get(), llmGenerationArgs(values));
    const write = io.write ?? io.out;
    const result = await describeWithLlm(await readPromptFile(file), {
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
