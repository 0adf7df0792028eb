import type { Benchmark } from '../harness';
import { bridgeBenchmark } from './bridge';
import { storeBenchmark } from './store';

/** Every named benchmark; `npm run bench -- <name>` runs one, no name runs all. */
export const BENCHMARKS: readonly Benchmark[] = [bridgeBenchmark, storeBenchmark];
