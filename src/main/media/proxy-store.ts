import { open, readdir, readFile, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write';

/**
 * On-disk display proxies: `<root>/<clipId>/frames.mjpeg` (every frame of the clip as
 * a JPEG, in order) and `index.json` (byte offsets, the proxy size, and the source's size
 * and mtime). The index is written last and atomically, so a proxy whose index is
 * missing, unreadable or inconsistent with the frames file was never finished: it is
 * ignored (and rebuilt).
 */
export const PROXY_FRAMES_FILE = 'frames.mjpeg';
export const PROXY_INDEX_FILE = 'index.json';
const FORMAT_VERSION = 1;

const ProxyIndexSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  source: z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() }),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frames: z.number().int().positive(),
  /** frames + 1 entries: frame i is bytes [offsets[i], offsets[i+1]). */
  offsets: z.array(z.number().int().min(0)),
});
export type ProxyIndex = z.infer<typeof ProxyIndexSchema>;

export interface SourceStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export async function sourceStamp(path: string): Promise<SourceStamp> {
  const s = await stat(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs };
}

export function proxyDir(root: string, clipId: string): string {
  return join(root, clipId);
}

export async function writeProxyIndex(dir: string, index: ProxyIndex): Promise<void> {
  await writeFileAtomic(join(dir, PROXY_INDEX_FILE), JSON.stringify(index));
}

/** A finished proxy, open for reading frames by index. */
export class ProxyFile {
  constructor(
    readonly index: ProxyIndex,
    readonly handle: FileHandle,
  ) {}

  get width(): number {
    return this.index.width;
  }

  get height(): number {
    return this.index.height;
  }

  /** Frame `i`'s JPEG bytes, read straight from the file (no decode). */
  async jpeg(i: number): Promise<Buffer> {
    const start = this.index.offsets[i] as number;
    const length = (this.index.offsets[i + 1] as number) - start;
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, start);
    if (bytesRead !== length) throw new Error(`proxy frame ${i} is truncated`);
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

/**
 * Opens the proxy in `dir` if it is complete and made from `source` as it is now (same
 * frame count, size and mtime); null otherwise. Marks it used (index mtime) for LRU eviction.
 */
export async function openProxy(dir: string, source: SourceStamp, frames: number): Promise<ProxyFile | null> {
  let index: ProxyIndex;
  try {
    index = ProxyIndexSchema.parse(JSON.parse(await readFile(join(dir, PROXY_INDEX_FILE), 'utf8')));
  } catch {
    return null;
  }
  const { offsets } = index;
  const matches =
    index.source.path === source.path &&
    index.source.size === source.size &&
    index.source.mtimeMs === source.mtimeMs &&
    index.frames === frames &&
    offsets.length === frames + 1 &&
    offsets.every((offset, k) => k === 0 || offset > (offsets[k - 1] as number));
  if (!matches) return null;
  let handle: FileHandle;
  try {
    handle = await open(join(dir, PROXY_FRAMES_FILE), 'r');
  } catch {
    return null;
  }
  const { size } = await handle.stat();
  if (size < (offsets[frames] as number)) {
    await handle.close();
    return null;
  }
  const now = new Date();
  await utimes(join(dir, PROXY_INDEX_FILE), now, now).catch(() => undefined);
  return new ProxyFile(index, handle);
}

interface StoredProxy {
  readonly clipId: string;
  readonly bytes: number;
  /** Last use (index mtime); 0 for an unfinished proxy. */
  readonly usedMs: number;
}

async function listProxies(root: string): Promise<StoredProxy[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const found: StoredProxy[] = [];
  for (const clipId of names) {
    const dir = join(root, clipId);
    const frames = await stat(join(dir, PROXY_FRAMES_FILE)).catch(() => null);
    const index = await stat(join(dir, PROXY_INDEX_FILE)).catch(() => null);
    found.push({ clipId, bytes: (frames?.size ?? 0) + (index?.size ?? 0), usedMs: index ? index.mtimeMs : 0 });
  }
  return found;
}

/**
 * Keeps the proxy cache under `limitBytes` by deleting whole proxies, least recently
 * used first (unfinished ones first of all). Proxies in `keep` (open or being built) stay.
 * Returns the clip ids removed.
 */
export async function evictProxies(root: string, limitBytes: number, keep: ReadonlySet<string>): Promise<string[]> {
  const proxies = (await listProxies(root)).sort((a, b) => a.usedMs - b.usedMs);
  let total = proxies.reduce((sum, p) => sum + p.bytes, 0);
  const removed: string[] = [];
  for (const proxy of proxies) {
    // Unfinished proxies (usedMs 0, sorted first) go whatever the total: they are debris of a crash.
    if (total <= limitBytes && proxy.usedMs > 0) break;
    if (keep.has(proxy.clipId)) continue;
    await rm(join(root, proxy.clipId), { recursive: true, force: true });
    total -= proxy.bytes;
    removed.push(proxy.clipId);
  }
  return removed;
}
