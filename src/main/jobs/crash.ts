import { AppError } from '@shared/errors';

/** Why a job process ended: how the pool tells the caller what a job died of. */

export type CrashReason = 'killed' | 'fatal' | 'memory' | 'exit';

/**
 * A job lost with its process, or stopped by an allocation failure. `reason`: `killed`
 * (SIGKILL from outside: the kernel's OOM killer, a user), `fatal` (a V8 fatal error or a
 * native crash: SIGABRT, SIGTRAP, SIGSEGV…), `memory` (the heap limit, the memory limit or
 * the machine ran out), `exit` (any other exit). The code is INSUFFICIENT_MEMORY
 * for `memory`, INTERNAL otherwise.
 */
export class JobCrashError extends AppError {
  readonly reason: CrashReason;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of the process's stderr since the job began (V8's message, a native stack…). */
  readonly stderr: string;

  constructor(reason: CrashReason, message: string, details: { exitCode?: number | null; signal?: NodeJS.Signals | null; stderr?: string } = {}) {
    super(reason === 'memory' ? 'INSUFFICIENT_MEMORY' : 'INTERNAL', message);
    this.name = 'JobCrashError';
    this.reason = reason;
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderr = details.stderr ?? '';
  }
}


/** Signals of a crash rather than of someone stopping the process. */
const CRASH_SIGNALS = new Set<string>(['SIGABRT', 'SIGTRAP', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGSYS']);

/**
 * V8 hard limits on one object's size. These abort as "FATAL ERROR: invalid array length
 * Allocation failed - JavaScript heap out of memory" (older V8) or "Fatal JavaScript
 * invalid size error" (V8 11+): no amount of memory helps, so they are `fatal`.
 */
const INVALID_SIZE = /invalid (?:array length|table size|string length|typed array length|size error)/i;
/** Running out: the heap limit, the memory limit, the machine. */
export const OUT_OF_MEMORY =
  /JavaScript heap out of memory|Reached heap limit|Fatal process out of memory|Fatal process OOM|std::bad_alloc|Array buffer allocation failed|Cannot allocate (?:Wasm )?memory|Failed to allocate memory|failed to map segment from shared object|out of memory/i;
/** V8's fatal errors and CHECK failures, native crash reports. */
const FATAL = /FATAL ERROR|Fatal error|Fatal JavaScript|Check failed|Segmentation fault|Illegal instruction|Bus error/;

/** The stderr line that matched `pattern`, tidied for a message. */
function excerpt(text: string, pattern: RegExp): string | null {
  const line = text.split('\n').find((l) => pattern.test(l));
  return line === undefined ? null : line.replace(/^[#\s]+/, '').trim().slice(0, 240);
}

/** Why a child died, from its exit and the end of its stderr. Exported for tests. */
export function classifyCrash(
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string },
  limits: { readonly heapMb?: number; readonly memoryMb?: number | null } = {},
): JobCrashError {
  const { code, signal, stderr } = exit;
  const details = { exitCode: code, signal, stderr };
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  if (signal === 'SIGKILL') {
    return new JobCrashError('killed', "The job's process was killed (SIGKILL), by the system when memory ran out or by another process", details);
  }
  const invalid = excerpt(stderr, INVALID_SIZE);
  if (invalid) return new JobCrashError('fatal', `The job's process hit a fatal V8 error (${how}): ${invalid}`, details);
  const oom = excerpt(stderr, OUT_OF_MEMORY);
  if (oom) {
    const heap = /heap/i.test(oom) && limits.heapMb ? `, heap limit ${limits.heapMb} MB` : '';
    const space = !heap && limits.memoryMb ? `, memory limit ${limits.memoryMb} MB` : '';
    return new JobCrashError('memory', `The job ran out of memory (${oom}${heap}${space})`, details);
  }
  const fatal = excerpt(stderr, FATAL);
  if (fatal || (signal && CRASH_SIGNALS.has(signal))) {
    return new JobCrashError('fatal', `The job's process crashed (${how})${fatal ? `: ${fatal}` : ''}`, details);
  }
  const error = excerpt(stderr, /^\s*(?:\w*Error\b|Error:)/);
  return new JobCrashError('exit', `The job's process stopped unexpectedly (${how})${error ? `: ${error}` : ''}`, details);
}

