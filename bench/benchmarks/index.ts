import type { Benchmark } from '../harness';
import { agreementBenchmark } from './agreement';
import { bridgeBenchmark } from './bridge';
import { exportBenchmark } from './export';
import { llmBenchmark } from './llm';
import { reliabilityBenchmark } from './reliability';
import { storeBenchmark } from './store';
import { understandingBenchmark } from './understanding';

/** Every named benchmark; `npm run bench -- <name>` runs one, no name runs all. */
export const BENCHMARKS: readonly Benchmark[] = [
  bridgeBenchmark,
  storeBenchmark,
  agreementBenchmark,
  exportBenchmark,
  llmBenchmark,
  understandingBenchmark,
  reliabilityBenchmark,
];
