import { isAbsolute, resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { MediaRootNameSchema, type MediaRoots } from '@shared/media-roots';
import { adoptMediaRoots } from '../app/media-roots';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const USAGE = [
  'mellm media-roots [list] [--json]',
  'mellm media-roots set <name> <folder>',
  'mellm media-roots unset <name>',
  'mellm media-roots adopt --workspace <file> [--json]',
].join('\n       ');

const OPTIONS = defineOptions({
  workspace: { kind: 'text', value: 'file', help: 'the workspace whose clips adopt the roots (adopt)' },
  json: { kind: 'flag', help: 'print the roots or the adopt report as JSON' },
});

function rootName(name: string | undefined): string {
  const parsed = MediaRootNameSchema.safeParse(name ?? '');
  if (!parsed.success) throw new AppError('INVALID_INPUT', `${JSON.stringify(name ?? '')}: ${parsed.error.issues[0]?.message ?? 'not a media root name'}\nUsage: ${USAGE}`);
  return parsed.data;
}

const listing = (roots: MediaRoots): string =>
  Object.keys(roots).length ? Object.entries(roots).map(([name, folder]) => `${name}  ${folder}`).join('\n') : 'no media roots on this workstation';

/** This workstation's media roots (Settings → Media roots), and storing clips relative to them. */
export const mediaRootsCommand: CliCommand = {
  name: 'media-roots',
  summary: "map a shared corpus's named media roots to this workstation's folders",
  usage: USAGE,
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [action = 'list', ...rest] = positionals;
    const settings = services().settings;
    const roots = (await settings.get()).mediaRoots;
    if (action === 'list' && rest.length === 0) {
      io.out(values.json ? JSON.stringify(roots, null, 2) : listing(roots));
      return 0;
    }
    if (action === 'set' && rest.length === 2) {
      const name = rootName(rest[0]);
      const folder = rest[1] as string;
      await settings.update({ mediaRoots: { ...roots, [name]: isAbsolute(folder) ? folder : resolve(folder) } });
      io.out(listing((await settings.get()).mediaRoots));
      return 0;
    }
    if (action === 'unset' && rest.length === 1) {
      const name = rootName(rest[0]);
      if (!(name in roots)) throw new AppError('NOT_FOUND', `No media root named ${name} on this workstation`);
      const { [name]: _gone, ...kept } = roots;
      await settings.update({ mediaRoots: kept });
      io.out(listing(kept));
      return 0;
    }
    if (action === 'adopt' && rest.length === 0 && values.workspace) {
      const workspaces = services().workspaces;
      await workspaces.open(values.workspace);
      try {
        const report = await adoptMediaRoots(workspaces.require(), roots);
        io.out(
          values.json
            ? JSON.stringify(report, null, 2)
            : [`${report.adopted} clips now stored under a media root, ${report.unchanged} unchanged`, ...report.conflicts.map((c) => `clip ${c.clipId}: ${c.message}`)].join('\n'),
        );
        return report.conflicts.length ? 1 : 0;
      } finally {
        await workspaces.close();
      }
    }
    throw new AppError('INVALID_INPUT', `Usage: ${USAGE}`);
  },
};
