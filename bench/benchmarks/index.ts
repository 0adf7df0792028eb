import type { Benchmark } from '../harness';
import { agreementBenchmark } from './agreement';
import { bridgeBenchmark } from './bridge';
import { storeBenchmark } from './store';
import { uiBenchmark } from './ui';
import { mediaBenchmark } from './media';
import { understandingBenchmark } from './understanding';
import { faceBenchmark } from './face';
import { flowBenchmark } from './flow';
import { llmBenchmark } from './llm';
import { exportBenchmark } from './export';

/** Every named benchmark; `npm run bench -- <name>` runs one, no name runs all. */
export const BENCHMARKS: readonly Benchmark[] = [
  bridgeBenchmark,
  storeBenchmark,
  uiBenchmark,
  mediaBenchmark,
  understandingBenchmark,
  faceBenchmark,
  flowBenchmark,
  llmBenchmark,
  agreementBenchmark,
  exportBenchmark,
];
