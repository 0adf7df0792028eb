import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { FlowPresetSchema } from '@shared/api';
import { writeFlo } from '../inference/flow/flo';
import { drawSegments, encodeRgbaPng, flowToColor, grayToRgba, quiverSegments } from '../inference/flow/visualize';
import { writeFileAtomic } from '../util/atomic-write';
import type { CliCommand } from './command';
import { readFrameArgument } from './frame-arg';
import { outputFile } from './output';

export const flowCommand: CliCommand = {
  name: 'flow',
  summary: 'dense optical flow between two frames, written as Middlebury .flo',
  usage: 'mellm flow <frame1> <frame2> --out flow.flo [--model id] [--preset fast|balanced|accurate] [--json] [--vis out.png] [--quiver out.png] [--force]',
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
        force: { type: 'boolean', default: false },
      },
    });
    const [first, second, ...extra] = positionals;
    if (!first || !second || extra.length) throw new AppError('INVALID_INPUT', `Expected two frames.\nUsage: ${this.usage}`);
    if (!values.out) throw new AppError('INVALID_INPUT', `--out is required.\nUsage: ${this.usage}`);
    const preset = FlowPresetSchema.safeParse(values.preset);
    if (!preset.success) throw new AppError('INVALID_INPUT', `--preset must be fast, balanced or accurate, not ${values.preset}`);
    // Every target is checked before the flow is computed.
    const out = (await outputFile(values.out, values.force)) as string;
    const vis = await outputFile(values.vis, values.force);
    const quiver = await outputFile(values.quiver, values.force);
    const [a, b] = await Promise.all([readFrameArgument(first), readFrameArgument(second)]);
    const result = await services().flow.compute(a, b, { model: values.model, preset: preset.data });
    await writeFlo(out, result.flow);
    if (vis) await writeFileAtomic(vis, await encodeRgbaPng(flowToColor(result.flow)), 0o644);
    if (quiver) await writeFileAtomic(quiver, await encodeRgbaPng(drawSegments(grayToRgba(a), quiverSegments(result.flow))), 0o644);
    const summary = { width: result.flow.width, height: result.flow.height, model: result.model, ms: Math.round(result.ms * 10) / 10 };
    io.out(values.json ? JSON.stringify(summary) : `${summary.width}×${summary.height} flow by ${summary.model} in ${summary.ms} ms → ${out}`);
    return 0;
  },
};
