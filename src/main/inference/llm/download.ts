import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { AppError } from '@shared/errors';
import { ONNX_VARIANTS, REQUIRED_FILES } from './folder';
import { sha256File } from './verify';

export interface DownloadProgress {
  readonly file: string;
  readonly received: number;
  readonly total: number | null;
  readonly fileIndex: number;
  readonly fileCount: number;
}

export interface DownloadRequest {
  /** Base URL of the model folder as the user typed it; each file is fetched from `${baseUrl}/${file}`. */
  readonly baseUrl: string;
  readonly folder: string;
  /** Paths inside the folder; default: the required JSON files plus onnx/model_q4.onnx. */
  readonly files?: readonly string[];
  /** Expected sha256 per file (hex); a mismatch discards the file. */
  readonly sha256?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

export const DEFAULT_DOWNLOAD_FILES: readonly string[] = [...REQUIRED_FILES, `onnx/${ONNX_VARIANTS[0]}`];

function safeRelative(file: string): string {
  const clean = normalize(file).replace(/\\/g, '/');
  if (clean.startsWith('../') || clean === '..' || clean.startsWith('/')) {
    throw new AppError('INVALID_INPUT', `The file name ${file} would leave the model folder.`);
  }
  return clean;
}

/**
 * A user-initiated model download (never automatic): each file streams into
 * `<file>.part`, resumes an interrupted `.part` with an HTTP Range request, is checked
 * against its sha256 when one is given, and is renamed into place only when complete.
 */
export async function downloadLlmFiles(request: DownloadRequest): Promise<string[]> {
  let base: URL;
  try {
    base = new URL(request.baseUrl.endsWith('/') ? request.baseUrl : `${request.baseUrl}/`);
  } catch {
    throw new AppError('INVALID_INPUT', `${request.baseUrl} is not a URL.`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new AppError('INVALID_INPUT', 'Only http and https URLs can be downloaded.');
  const files = (request.files ?? DEFAULT_DOWNLOAD_FILES).map(safeRelative);
  const written: string[] = [];
  for (const [index, file] of files.entries()) {
    const target = join(request.folder, file);
    await downloadOne(new URL(file, base), target, (received, total) =>
      request.onProgress?.({ file, received, total, fileIndex: index, fileCount: files.length }),
    request.signal);
    const expected = request.sha256?.[file];
    if (expected) {
      const actual = await sha256File(`${target}.part`);
      if (actual !== expected.toLowerCase()) {
        await rm(`${target}.part`, { force: true });
        throw new AppError('MODEL_INVALID', `${file} does not match its sha256 (expected ${expected}, got ${actual}); the download was discarded.`);
      }
    }
    await rename(`${target}.part`, target);
    written.push(target);
  }
  return written;
}

async function downloadOne(url: URL, target: string, progress: (received: number, total: number | null) => void, signal?: AbortSignal): Promise<void> {
  const part = `${target}.part`;
  await mkdir(dirname(target), { recursive: true });
  const have = await stat(part).then((s) => s.size).catch(() => 0);
  let response: Response;
  try {
    response = await fetch(url, { headers: have ? { range: `bytes=${have}-` } : {}, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The download was cancelled; it resumes where it stopped.');
    throw new AppError('NOT_FOUND', `${url.href} could not be reached: ${(error as Error).message}`, { cause: error });
  }
  if (response.status === 416 && have) {
    // The .part already holds the whole file (a previous run stopped before renaming).
    progress(have, have);
    return;
  }
  if (!response.ok || !response.body) throw new AppError('NOT_FOUND', `${url.href} answered HTTP ${response.status}.`);
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const start = resumed ? have : 0;
  const total = Number.isFinite(length) ? start + length : null;
  const handle = await open(part, resumed ? 'a' : 'w');
  let received = start;
  try {
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      await handle.write(chunk.value);
      received += chunk.value.byteLength;
      progress(received, total);
    }
  } catch (error) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The download was cancelled; it resumes where it stopped.');
    throw new AppError('NOT_FOUND', `The download of ${url.href} broke off: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
  if (total !== null && received !== total) throw new AppError('NOT_FOUND', `${url.href} ended after ${received} of ${total} bytes; try again to resume.`);
}
