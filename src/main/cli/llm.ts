import { resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { makeTinyModel } from '../inference/llm/tiny';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const MAKE_TINY_OPTIONS = defineOptions({
  seed: { kind: 'int', value: 'N', min: 0, max: 2 ** 32 - 1, default: 1234, help: 'seed of the random weights' },
  layers: { kind: 'int', value: 'N', min: 1, max: 8, default: 2, help: 'decoder layers' },
  kv: { kind: 'choice', values: ['float32', 'float16'], default: 'float32', help: 'key/value cache type' },
  'tokenizer-from': { kind: 'text', value: 'folder', help: "copy this model folder's tokenizer" },
  json: { kind: 'flag', help: 'print the result as JSON' },
});

export const llmCommand: CliCommand = {
  name: 'llm',
  summary: 'language-model utilities: make-tiny <folder> writes a tiny random Qwen3-shaped test model',
  usage: 'mellm llm make-tiny <folder> [--seed N] [--layers N] [--kv float32|float16] [--tokenizer-from <folder>] [--json]',
  options: MAKE_TINY_OPTIONS,
  async run(args, io) {
    const { values, positionals } = parseOptions(MAKE_TINY_OPTIONS, args, { positionals: true });
    const [sub, folder, ...extra] = positionals;
    const { seed, layers } = values;
    if (sub !== 'make-tiny' || !folder || extra.length) throw new AppError('INVALID_INPUT', `Usage: ${this.usage}`);
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
