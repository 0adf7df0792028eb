/** Quick look: the current rule table scored on cached features of a set (train or bench). */
import { parseArgs } from 'node:util';
import { AU_RULES } from '../../src/main/analysis/au-table';
import { loadFitClips } from './features';
import { formatScore, score, type FeatureSource } from './score';

const { values } = parseArgs({ options: { seed: { type: 'string' }, variant: { type: 'string' } } });
const clips = loadFitClips(Number(values.seed ?? 20250101), values.variant ?? 'default');
for (const source of ['exact', 'oracle', 'pipeline'] as FeatureSource[]) {
  if (clips.some((c) => c[source] !== null)) console.log(formatScore(source, score(clips, source, AU_RULES)));
}
