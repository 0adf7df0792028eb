import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { FlowPresetSchema } from '@shared/api';
import { writeFlo } from '../inference/flow/flo';
import { drawSegments, encodeRgbaPng, flowToColor, grayToRgba, quiverSegments } from '../inference/flow/visualize';
import type { CliCommand } from './command';
import { readFrameArgument } from './frame-arg';

export const flowCommand: CliCommand = {
  name: 'flow',
  summary: 'dense optical flow between two frames, written as Middlebury .flo',
  usage: 'mellm flow <frame1> <frame2> --out flow.flo [--model id] [--preset fast|balanced|accurate] [--json] [--vis out.png] [--quiver out.png]',
  async run(args, io, services) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        model: { type: 'string' },
        preset: { type: 'string', default: 'balanced' },
        json: { type: 'boolean', default: false },
        vis: { type: 'string' },
        quiver: { type: 'string' },
      },
    });
    const [first, second, ...extra] = positionals;
    if (!first || !second || extra.length) throw new AppError('INVALID_INPUT', `Expected two frames.\nUsage: ${this.usage}`);
    if (!values.out) throw new AppError('INVALID_INPUT', `--out is required.\nUsage: ${this.usage}`);
    const preset = FlowPresetSchema.safeParse(values.preset);
    if (!preset.success) throw new AppError('INVALID_INPUT', `--preset must be fast, balanced or accurate, not ${values.preset}`);
    const [a, b] = await Promise.all([readFrameArgument(first), readFrameArgument(second)]);
    const result = await services().flow.compute(a, b, { model: values.model, preset: preset.data });
    await writeFlo(values.out, result.flow);
    if (values.vis) await writeFile(values.vis, await encodeRgbaPng(flowToColor(result.flow)));
    if (values.quiver) await writeFile(values.quiver, await encodeRgbaPng(drawSegments(grayToRgba(a), quiverSegments(result.flow))));
    const summary = { width: result.flow.width, height: result.flow.height, model: result.model, ms: Math.round(result.ms * 10) / 10 };
    io.out(values.json ? JSON.stringify(summary) : `${summary.width}×${summary.height} flow by ${summary.model} in ${summary.ms} ms → ${values.out}`);
    return 0;
  },
};
