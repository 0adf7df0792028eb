import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { makeTinyModel } from '../inference/llm/tiny';
import type { CliCommand } from './command';

const MAKE_TINY_OPTIONS = {
  seed: { type: 'string', default: '1234' },
  layers: { type: 'string', default: '2' },
  kv: { type: 'string', default: 'float32' },
  'tokenizer-from': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const llmCommand: CliCommand = {
  name: 'llm',
  summary: 'language-model utilities: make-tiny <folder> writes a tiny random Qwen3-shaped test model',
  usage: 'mellm llm make-tiny <folder> [--seed N] [--layers N] [--kv float32|float16] [--tokenizer-from <folder>] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MAKE_TINY_OPTIONS });
    const [sub, folder] = positionals;
    const seed = Number(values.seed);
    const layers = Number(values.layers);
    if (sub !== 'make-tiny' || !folder || !Number.isInteger(seed) || !Number.isInteger(layers) || layers < 1 || layers > 8) {
      throw new AppError('INVALID_INPUT', `Usage: ${this.usage}`);
    }
    if (values.kv !== 'float32' && values.kv !== 'float16') throw new AppError('INVALID_INPUT', '--kv is float32 or float16.');
    const tokenizerFrom = values['tokenizer-from'];
    const written = await makeTinyModel(resolve(folder), {
      seed,
      layers,
      kvType: values.kv,
      ...(tokenizerFrom ? { tokenizerFrom: resolve(tokenizerFrom) } : {}),
    });
    io.out(values.json ? JSON.stringify({ folder: written, seed, layers, kv: values.kv }) : `Tiny test model written to ${written}`);
    return 0;
  },
};
