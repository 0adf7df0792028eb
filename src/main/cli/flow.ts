import { AppError } from '@shared/errors';
import { FLOW_PRESETS } from '@shared/api';
import { writeFlo } from '../inference/flow/flo';
import { drawSegments, encodeRgbaPng, flowToColor, grayToRgba, quiverSegments } from '../inference/flow/visualize';
import { writeFileAtomic } from '../util/atomic-write';
import type { CliCommand } from './command';
import { readFrameArgument } from './frame-arg';
import { defineOptions, parseOptions } from './options';
import { outputFile } from './output';

const OPTIONS = defineOptions({
  out: { kind: 'text', value: 'flow.flo', help: 'where the flow is written (Middlebury .flo)' },
  model: { kind: 'text', value: 'id', help: 'flow-variational, a manifest flow model, or a folder with flow.json' },
  preset: { kind: 'choice', values: FLOW_PRESETS, default: 'balanced', help: "the generated model's preset" },
  json: { kind: 'flag', help: 'print the summary as JSON' },
  vis: { kind: 'text', value: 'out.png', help: 'a colour-wheel picture of the flow' },
  quiver: { kind: 'text', value: 'out.png', help: 'arrows over the first frame' },
  force: { kind: 'flag', help: 'replace existing output files' },
});

export const flowCommand: CliCommand = {
  name: 'flow',
  summary: 'dense optical flow between two frames, written as Middlebury .flo',
  usage: 'mellm flow <frame1> <frame2> --out flow.flo [--model id] [--preset fast|balanced|accurate] [--json] [--vis out.png] [--quiver out.png] [--force]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [first, second, ...extra] = positionals;
    if (!first || !second || extra.length) throw new AppError('INVALID_INPUT', `Expected two frames.\nUsage: ${this.usage}`);
    if (!values.out) throw new AppError('INVALID_INPUT', `--out is required.\nUsage: ${this.usage}`);
    // Every target is checked before the flow is computed.
    const out = (await outputFile(values.out, values.force)) as string;
    const vis = await outputFile(values.vis, values.force);
    const quiver = await outputFile(values.quiver, values.force);
    const [a, b] = await Promise.all([readFrameArgument(first), readFrameArgument(second)]);
    const result = await services().flow.compute(a, b, { model: values.model, preset: values.preset });
    await writeFlo(out, result.flow);
    if (vis) await writeFileAtomic(vis, await encodeRgbaPng(flowToColor(result.flow)), 0o644);
    if (quiver) await writeFileAtomic(quiver, await encodeRgbaPng(drawSegments(grayToRgba(a), quiverSegments(result.flow))), 0o644);
    const summary = { width: result.flow.width, height: result.flow.height, model: result.model, ms: Math.round(result.ms * 10) / 10 };
    io.out(values.json ? JSON.stringify(summary) : `${summary.width}×${summary.height} flow by ${summary.model} in ${summary.ms} ms → ${out}`);
    return 0;
  },
};
