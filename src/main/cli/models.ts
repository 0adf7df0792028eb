import { convertibleModels, ensureConvertedModel, type ConversionResult } from '../inference/onnx/tfjs/generate';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({
  force: { kind: 'flag', help: 'convert again even when up to date' },
  json: { kind: 'flag', help: 'print the results as JSON' },
});

/** `mellm models`: converts (or verifies) every model the project builds from npm packages. */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'convert the TF.js models (FaceMesh, iris, emotion) to ONNX under models/generated/',
  usage: 'mellm models [--force] [--json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values } = parseOptions(OPTIONS, args);
    const modelsDir = services().paths.models;
    const results: ConversionResult[] = [];
    for (const entry of convertibleModels(modelsDir)) {
      results.push(await ensureConvertedModel(modelsDir, entry.id, { force: values.force }));
    }
    if (values.json) {
      io.out(JSON.stringify({ models: results.map((r) => ({ id: r.id, path: r.path, converted: r.converted, ...r.record })) }, null, 2));
    } else {
      for (const r of results) {
        io.out(`${r.converted ? 'converted' : 'up to date'}  ${r.id.padEnd(16)} ${r.record.sourcePackage}@${r.record.sourceVersion}  sha256 ${r.record.sha256.slice(0, 16)}…  ${r.path}`);
      }
    }
    return 0;
  },
};
