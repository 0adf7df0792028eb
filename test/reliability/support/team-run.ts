import { join, resolve } from 'node:path';
import { runCommand, type DriverRun } from './driver';

const root = resolve(import.meta.dirname, '..', '..', '..');
export const TEAM_DRIVER = join(root, 'test', 'reliability', 'drivers', 'team-member.ts');
const CLI = join(root, 'out', 'main', 'cli.js');

export type LogEntry = Record<string, unknown> & { op: string; result?: string };

export interface MemberRun {
  readonly name: string;
  readonly kind: 'coder' | 'reviewer' | 'analyser';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly log: LogEntry[];
  readonly stderr: string;
}

export interface TeamMix {
  /** The workspace URL of a login role. */
  readonly url: (role: string) => string;
  readonly coders: readonly string[];
  readonly reviewers: readonly string[];
  /** Roles whose workstations run "Analyse all" (the real CLI, real pipeline) while the others work. */
  readonly analysers: readonly string[];
  readonly events: readonly number[];
  readonly seconds: number;
  readonly periodMs: number;
}

/** A team member's driver process (TypeScript through tsx). */
export function startMember(url: string, args: readonly string[]): DriverRun {
  return runCommand(process.execPath, ['--import', 'tsx', TEAM_DRIVER, url, ...args], { cwd: root });
}

/**
 * Runs the whole team at once, each member a process of its own with its own role and
 * connections, and waits for all of them; each brings back its log of acknowledged and
 * refused writes (the analysers: the CLI's JSON summary).
 */
export async function runTeam(mix: TeamMix): Promise<MemberRun[]> {
  const started: Array<{ name: string; kind: MemberRun['kind']; run: DriverRun }> = [];
  mix.coders.forEach((name, i) =>
    started.push({ name, kind: 'coder', run: startMember(mix.url(name), ['coder', String(mix.seconds), String(mix.periodMs), String(1000 + i), mix.events.join(',')]) }),
  );
  mix.reviewers.forEach((name, i) => started.push({ name, kind: 'reviewer', run: startMember(mix.url(name), ['reviewer', String(mix.seconds), String(mix.periodMs), String(2000 + i)]) }));
  for (const name of mix.analysers) {
    started.push({ name, kind: 'analyser', run: runCommand(process.execPath, [CLI, 'analyze', '--workspace', mix.url(name), '--all', '--json'], { cwd: root }) });
  }
  return Promise.all(
    started.map(async ({ name, kind, run }) => {
      const { code, signal } = await run.exited;
      const log = run.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogEntry);
      return { name, kind, code, signal, log, stderr: run.stderr().slice(-3000) };
    }),
  );
}

/**
 * The corpus the team works on: `clips` small synthetic clips of a real face (the
 * project's synth, 30 frames at 256×192: enough for the real pipeline, cheap to analyse),
 * each registered with its true event and a second one, by the owner's seat.
 */
export async function seedTeamCorpus(ownerUrl: string, dir: string, clips: number): Promise<number[]> {
  const { spawnSync } = await import('node:child_process');
  const { openWorkspace } = await import('../../../src/main/store');
  const { ensureClip } = await import('../../../src/main/app/analysis-store');
  const photo = join(root, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample3.jpg');
  const made = spawnSync(process.execPath, [CLI, 'synth', '--out', dir, '--photo', photo, '--aus', '1C+2C', '--frames', '30', '--size', '256x192', '--count', String(clips), '--json'], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (made.status !== 0) throw new Error(`mellm synth failed: ${made.stderr}`);
  const truth = (JSON.parse(made.stdout) as { clips: Array<{ dir: string; onset: number; apex: number; offset: number }> }).clips;
  const ws = await openWorkspace(ownerUrl);
  try {
    const events: number[] = [];
    for (const sample of truth) {
      const { clip } = await ensureClip(ws, join(sample.dir, 'clip.mp4'));
      events.push((await ws.events.create({ clipId: clip.id, onset: sample.onset, apex: sample.apex, offset: sample.offset, source: 'dataset' })).id);
      events.push((await ws.events.create({ clipId: clip.id, onset: 1, apex: 3, offset: 5, source: 'manual' })).id);
    }
    return events;
  } finally {
    await ws.close();
  }
}
