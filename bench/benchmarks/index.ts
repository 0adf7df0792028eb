import type { Benchmark } from '../harness';
import { agreementBenchmark } from './agreement';
import { bridgeBenchmark } from './bridge';
import { exportBenchmark } from './export';
import { faceBenchmark } from './face';
import { llmBenchmark } from './llm';
import { llmRealBenchmark } from './llm-real';
import { storeBenchmark } from './store';
import { reviewStoreBenchmark } from './review-store';
import { understandingBenchmark } from './understanding';
import { mediaBenchmark } from './media';
import { reliabilityBenchmark } from './reliability';
import { flowBenchmark } from './flow';
import { uiBenchmark } from './ui';
import { pipelineBenchmark } from './pipeline';
import { evaluateBenchmark } from './evaluate';
import { startupBenchmark } from './startup';
import { confoundersBenchmark } from './confounders';
import { longSessionBenchmark } from './long-session';
import { sessionsBenchmark } from './sessions';
import { teamBenchmark } from './team';
import { synthRenderBenchmark } from './synth-render';

/** Every named benchmark; `npm run bench -- <name>` runs one, no name runs all. */
export const BENCHMARKS: readonly Benchmark[] = [
  bridgeBenchmark,
  storeBenchmark,
  faceBenchmark,
  understandingBenchmark,
  llmBenchmark,
  llmRealBenchmark,
  agreementBenchmark,
  exportBenchmark,
  mediaBenchmark,
  reliabilityBenchmark,
  flowBenchmark,
  reviewStoreBenchmark,
  uiBenchmark,
  pipelineBenchmark,
  evaluateBenchmark,
  startupBenchmark,
  confoundersBenchmark,
  longSessionBenchmark,
  sessionsBenchmark,
  teamBenchmark,
  synthRenderBenchmark,
];
