import type { AgreementSummary } from '@shared/api';
import { AppError } from '@shared/errors';
import { agreementSummary } from '../corpus/agreement-summary';
import { codedEventsFromStore } from '../app/records-from-store';
import { openWorkspace } from '../store';
import { writeFileAtomic } from '../util/atomic-write';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';
import { outputFile } from './output';

const USAGE = 'mellm agreement --workspace w.mellm [--json | --csv out.csv [--force]] [--ignore-side] [--include-dataset]';

const OPTIONS = defineOptions({
  workspace: { kind: 'text', value: 'file|url', help: 'the workspace file' },
  json: { kind: 'flag', help: 'print the figures as JSON' },
  csv: { kind: 'text', value: 'out.csv', help: 'write the long-format table here' },
  force: { kind: 'flag', help: 'replace an existing --csv file' },
  'ignore-side': { kind: 'flag', help: 'compare AUs without their side (L/R)' },
  'include-dataset': { kind: 'flag', help: "count the dataset sheet's labels as one more coder" },
});

const fmt = (value: number | null) => (value === null ? '—' : value.toFixed(3));

export function formatAgreement(s: AgreementSummary): string {
  const lines = [
    `coders ${s.coders.join(', ') || '—'}; events ${s.events}; shared event pairs ${s.sharedEvents} (${s.auEvents} with AUs from both)`,
    `FACS agreement ratio ${fmt(s.facsRatio)}   AU F1 ${fmt(s.auF1)}   interval IoU ${fmt(s.meanIoU)}   spotting F1 ${fmt(s.spottingF1)}`,
    `AUs compared: ${s.auRule}`,
    `emotion α ${fmt(s.emotionAlpha.alpha)} (${s.emotionAlpha.units} events)   3-class α ${fmt(s.label3Alpha.alpha)} (${s.label3Alpha.units} events)`,
    ...s.pairs.map((p) => `  ${p.coderA} × ${p.coderB}: emotion κ ${fmt(p.emotionKappa)}, 3-class κ ${fmt(p.label3Kappa)}, FACS ratio ${fmt(p.facsRatio)} over ${p.auEvents} of ${p.sharedEvents} events`),
    ...s.perAu.map((au) => `  AU ${au.au}: α ${fmt(au.alpha)}, ratio ${fmt(au.ratio)}, scored ${au.scored}×`),
  ];
  return lines.join('\n');
}

export const agreementCommand: CliCommand = {
  name: 'agreement',
  summary: "inter-coder agreement of a workspace's annotations (κ, α, FACS ratio, per AU)",
  usage: USAGE,
  options: OPTIONS,
  async run(args, io) {
    const { values } = parseOptions(OPTIONS, args);
    if (!values.workspace) throw new AppError('INVALID_INPUT', `expected --workspace\nUsage: ${USAGE}`);
    const csv = await outputFile(values.csv, values.force);
    const ws = await openWorkspace(values.workspace);
    let summary: AgreementSummary;
    try {
      summary = agreementSummary(await codedEventsFromStore(ws, { datasetLabels: values['include-dataset'] }), { ignoreSide: values['ignore-side'] });
    } finally {
      await ws.close();
    }
    if (csv) {
      await writeFileAtomic(csv, summary.csv, 0o644);
      io.out(values.json ? JSON.stringify({ csv }) : `wrote ${csv}`);
    } else {
      const { csv: _csv, ...rest } = summary;
      io.out(values.json ? JSON.stringify(rest, null, 2) : formatAgreement(summary));
    }
    return 0;
  },
};
