import { spawnSync } from 'node:child_process';

/**
 * A size-limited place to write: a tmpfs of `bytes` mounted on `dir` when this process
 * may mount (root with CAP_SYS_ADMIN), else null and the caller falls back to
 * RLIMIT_FSIZE on the child (`prlimit --fsize`), which fails writes with EFBIG.
 */
export function mountTinyFs(dir: string, bytes: number): { unmount(): void } | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) return null;
  return { unmount: () => void spawnSync('umount', ['-l', dir], { stdio: 'ignore' }) };
}

export function hasPrlimit(): boolean {
  return spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;
}
