import { sep } from 'node:path';

/**
 * An installed app keeps its code in `resources/app.asar`, which only Electron's own fs can
 * read. What another program opens by path (native modules, ffmpeg, ONNX model files, the
 * photos sharp decodes, job entries run under prlimit) is kept outside the archive, in
 * `app.asar.unpacked` (electron-builder.yml `asarUnpack`), so a path Node resolved through
 * the archive is mapped there. Outside an archive a path is returned unchanged.
 */
const ARCHIVE = `${sep}app.asar${sep}`;
const UNPACKED = `${sep}app.asar.unpacked${sep}`;

export function unpackedPath(path: string): string {
  const at = path.indexOf(ARCHIVE);
  return at < 0 ? path : `${path.slice(0, at)}${UNPACKED}${path.slice(at + ARCHIVE.length)}`;
}
