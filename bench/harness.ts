import { cpus, totalmem } from 'node:os';

/** One measured row of a benchmark: a method on a case, with timings and quality figures. */
export interface BenchRow {
  readonly case: string;
  readonly method: string;
  /** Wall-clock samples in milliseconds. */
  readonly samples?: number[];
  /** Quality or throughput figures (EPE, F1, fps …). */
  readonly metrics?: Record<string, number | string | null>;
}

export interface BenchContext {
  /** Repetitions requested (`--reps N`); each benchmark picks a sensible default. */
  readonly reps: number | undefined;
  /** Shared data folder beside the repo (../shared), or null when absent. */
  readonly sharedDir: string | null;
  log(message: string): void;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (position - lower);
}

/** Times `fn` `reps` times after `warmup` untimed runs; returns milliseconds per run. */
export async function time(fn: () => unknown, reps: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    node: process.versions.node,
  };
}
