import type { Benchmark } from '../harness';
import { agreementBenchmark } from './agreement';
import { bridgeBenchmark } from './bridge';
import { exportBenchmark } from './export';
import { faceBenchmark } from './face';
import { llmBenchmark } from './llm';
import { storeBenchmark } from './store';
import { understandingBenchmark } from './understanding';
import { mediaBenchmark } from './media';
import { flowBenchmark } from './flow';
import { pipelineBenchmark } from './pipeline';

/** Every named benchmark; `npm run bench -- <name>` runs one, no name runs all. */
export const BENCHMARKS: readonly Benchmark[] = [
  bridgeBenchmark,
  storeBenchmark,
  faceBenchmark,
  understandingBenchmark,
  llmBenchmark,
  agreementBenchmark,
  exportBenchmark,
  mediaBenchmark,
  flowBenchmark,
  pipelineBenchmark,
];
