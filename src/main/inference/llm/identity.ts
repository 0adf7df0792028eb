/**
 * What a language model is, as opposed to where it is: a fingerprint of the files it is
 * made of (names, sizes and sampled contents of its JSON files, ONNX file and external
 * data; `fingerprintModelFile`), read once per model load in bounded reads.
 */
import { createHash } from 'node:crypto';
import { LLM_CONTENT_ID_LENGTH } from '@shared/llm-identity';
import { fingerprintModelFile, MODEL_FILE_LIMITS, type ModelFile } from '../model-files';

export async function llmContentId(files: readonly ModelFile[]): Promise<string> {
  const prints = await Promise.all(files.map((file) => fingerprintModelFile(file, MODEL_FILE_LIMITS.weights)));
  const hash = createHash('sha256');
  files.forEach((file, i) => hash.update(`${file.name}\n${prints[i]}\n`));
  return hash.digest('hex').slice(0, LLM_CONTENT_ID_LENGTH);
}
