import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LlmVerification } from '@shared/api';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../../util/atomic-write';
import { hashModelFile, MODEL_FILE_LIMITS } from '../model-files';
import { inspectLlmFolder, readModelJson } from './folder';
import { checkChatTemplate, type TemplateRenderer } from './template';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Records = Record<string, { verifiedAt: string; files: Record<string, string> }>;

/**
 * Checks a model folder (required files, a loadable weight variant, causal-LM config, a
 * chat template that renders through `renderer`), hashes its files and compares them with
 * the hashes recorded at the first verification, kept in `llm-verified.json` in the
 * user-data folder.
 */
export async function verifyLlmFolder(folder: string, userData: string, renderer: TemplateRenderer): Promise<LlmVerification> {
  const key = resolve(folder);
  const fail = (error: AppError): LlmVerification => ({
    folder: key,
    ok: false,
    error: { code: error.code, message: error.message },
    modelType: null,
    quantization: null,
    bytes: 0,
    files: [],
    matchesRecord: null,
    changedFiles: [],
  });
  let info;
  try {
    info = await inspectLlmFolder(key);
    await checkChatTemplate(await readModelJson<Record<string, unknown>>(key, 'tokenizer_config.json'), key, renderer);
  } catch (error) {
    return fail(AppError.from(error));
  }
  let files: LlmVerification['files'];
  try {
    files = await Promise.all(info.files.map(async (file) => ({ name: file.name, bytes: file.bytes, sha256: await hashModelFile(file, MODEL_FILE_LIMITS.weights) })));
  } catch (error) {
    return fail(AppError.from(error));
  }
  const recordsPath = join(userData, 'llm-verified.json');
  const records = (await readFile(recordsPath, 'utf8').then((t) => JSON.parse(t) as Records).catch(() => ({}))) as Records;
  const previous = records[key];
  const changedFiles = previous ? files.filter((f) => previous.files[f.name] !== undefined && previous.files[f.name] !== f.sha256).map((f) => f.name) : [];
  if (!previous) {
    records[key] = { verifiedAt: new Date().toISOString(), files: Object.fromEntries(files.map((f) => [f.name, f.sha256])) };
    await writeFileAtomic(recordsPath, `${JSON.stringify(records, null, 2)}\n`);
  }
  return {
    folder: key,
    ok: changedFiles.length === 0,
    error: changedFiles.length
      ? { code: 'MODEL_INVALID', message: `Files changed since they were first verified: ${changedFiles.join(', ')}` }
      : null,
    modelType: info.config.model_type ?? null,
    quantization: info.quantization,
    bytes: info.bytes,
    files,
    matchesRecord: previous ? changedFiles.length === 0 : null,
    changedFiles,
  };
}
