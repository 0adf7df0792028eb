import { availableParallelism } from 'node:os';

/** How a batch shares the machine: job processes, and ONNX Runtime intra-op threads in each. */
export interface ProcessBudget {
  readonly processes: number;
  readonly intraOpThreads: number;
}

/**
 * More processes than this hold a copy of every model each (hundreds of MB, gigabytes with
 * an LLM) for little gain: past a few cores the batch waits on decoding and the store.
 */
export const MAX_ANALYSIS_PROCESSES = 4;

/**
 * One job process per core (up to MAX_ANALYSIS_PROCESSES) unless `processes` is given, and
 * cores ÷ processes ONNX Runtime threads in each. A process spends most of a clip on its
 * own thread (decoding, cropping, spotting, and ONNX Runtime's runs, which block it), and
 * the flow graphs on face crops are too small for a second intra-op thread to pay:
 * measured on the 2-core box (docs/benchmarks.md, startup), one process with two threads
 * used about twice the CPU per clip of one with one thread, so the second core does more
 * good running a second clip.
 */
export function analysisBudget(processes?: number, cores: number = availableParallelism()): ProcessBudget {
  const count = Math.max(1, Math.floor(processes ?? Math.min(cores, MAX_ANALYSIS_PROCESSES)));
  return { processes: count, intraOpThreads: Math.max(1, Math.floor(cores / count)) };
}
