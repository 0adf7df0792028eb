/**
 * What a language model is, as opposed to where it is: a fingerprint of the files it is
 * made of (names, sizes and sampled contents of its JSON files, ONNX file and external
 * data; `fingerprintModelFile`), read once per model load in bounded reads.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LLM_CONTENT_ID_LENGTH } from '@shared/llm-identity';
import { fingerprintModelFile, MODEL_FILE_LIMITS, type ModelFile } from '../model-files';
import { inspectLlmFolder } from './folder';

export async function llmContentId(files: readonly ModelFile[]): Promise<string> {
  const prints = await Promise.all(files.map((file) => fingerprintModelFile(file, MODEL_FILE_LIMITS.weights)));
  const hash = createHash('sha256');
  files.forEach((file, i) => hash.update(`${file.name}\n${prints[i]}\n`));
  return hash.digest('hex').slice(0, LLM_CONTENT_ID_LENGTH);
}

/**
 * Content fingerprints of model folders, read again only when a file of the folder
 * changed on disk (its size, modification time or inode): a model replaced in place is a
 * new model, one left alone is not read twice.
 */
export class LlmFolderPrints {
  readonly #known = new Map<string, { stamp: string; content: string }>();

  async of(folder: string, variant?: string): Promise<string> {
    const path = resolve(folder);
    const { files } = await inspectLlmFolder(path, variant);
    const stats = await Promise.all(files.map((file) => stat(file.path)));
    const stamp = files.map((file, i) => `${file.name}:${stats[i]?.size}:${stats[i]?.mtimeMs}:${stats[i]?.ino}`).join('\n');
    const known = this.#known.get(path);
    if (known?.stamp === stamp) return known.content;
    const content = await llmContentId(files);
    this.#known.set(path, { stamp, content });
    return content;
  }
}
