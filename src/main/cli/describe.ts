import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { describeWithLlm } from '../inference/llm/describe';
import type { CliCommand } from './command';

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
  usage: 'mellm describe <prompt.txt | analysis.json> --llm <folder> [--stream] [--max-new-tokens N] [--thinking [--keep-thinking]] [--json]',
  async run(args, io, services) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        llm: { type: 'string' },
        stream: { type: 'boolean', default: false },
        'max-new-tokens': { type: 'string', default: '512' },
        thinking: { type: 'boolean', default: false },
        'keep-thinking': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const [file] = positionals;
    const maxNewTokens = Number(values['max-new-tokens']);
    if (!file || !values.llm || !Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
      throw new AppError('INVALID_INPUT', `A prompt file, --llm <folder> and a positive --max-new-tokens are needed.\nUsage: ${this.usage}`);
    }
    const write = io.write ?? io.out;
    const result = await describeWithLlm(await readPromptFile(file), {
      folder: values.llm,
      // The services' model: its chat template renders in the sandbox process.
      pool: services().llm.pool,
      maxNewTokens,
      thinking: values.thinking,
      keepThinking: values['keep-thinking'],
      ...(values.stream && !values.json ? { onDelta: (delta: string) => write(delta) } : {}),
    });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else if (values.stream) write('\n');
    else io.out(result.text);
    return 0;
  },
};
