import { readFileSync } from 'node:fs';

/**
 * Tells a running process apart from an earlier one with the same PID: PIDs are reused,
 * so a PID alone cannot say whether the process that wrote a lock is still running.
 * Linux only (from /proc); elsewhere the start is unknown and callers fall back to the PID.
 */

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux ABI Node runs on). */
const TICKS_PER_SECOND = 100;

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // no /proc (macOS, Windows), the process is gone, or it is hidden (hidepid)
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in ticks since boot. */
function startTicks(pid: number): string | null {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields?.[19];
  return ticks && /^\d+$/.test(ticks) ? ticks : null;
}

let bootId: string | null | undefined;

/**
 * An identifier of the process `pid` that no later process with the same PID shares
 * (boot id and start tick), or null where the system does not tell.
 */
export function processStart(pid: number): string | null {
  bootId ??= readProc('/proc/sys/kernel/random/boot_id')?.trim() || null;
  const ticks = bootId ? startTicks(pid) : null;
  return ticks ? `${bootId}:${ticks}` : null;
}

/** When the process `pid` started (ms since the epoch), or null where the system does not tell. */
export function processStartedAt(pid: number): number | null {
  const boot = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '')?.[1];
  const ticks = startTicks(pid);
  return boot && ticks ? Number(boot) * 1000 + (Number(ticks) * 1000) / TICKS_PER_SECOND : null;
}

/** Whether a process with this PID runs now (any process: the PID may have been reused). */
export function isPidRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, owned by someone else
  }
}
