import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../../../util/atomic-write';
import { modelPath, packageDir, readManifest, type ModelEntry } from '../../manifest';
import { convertGraphModel } from './convert';
import { loadGraphModel } from './model-json';

/**
 * Converted models live in models/generated/ (ignored by git); state.json records what
 * each file was made from (package, version, converter revision) and its sha256, so a
 * package upgrade or a converter change triggers a fresh conversion on the next use.
 */
export const CONVERTER_REVISION = 'tfjs-graph/1';

export interface GeneratedRecord {
  readonly sourcePackage: string;
  readonly sourceVersion: string;
  readonly sourcePath: string;
  readonly converter: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly generatedAt: string;
}

export interface ConversionResult {
  readonly id: string;
  readonly path: string;
  readonly converted: boolean;
  readonly record: GeneratedRecord;
}

type State = { version: 1; models: Record<string, GeneratedRecord> };

const statePath = (modelsDir: string) => join(modelsDir, 'generated', 'state.json');
const inFlight = new Map<string, Promise<ConversionResult>>();
let stateWrites: Promise<unknown> = Promise.resolve();

export async function readGeneratedState(modelsDir: string): Promise<State> {
  try {
    const parsed = JSON.parse(await readFile(statePath(modelsDir), 'utf8')) as State;
    return parsed.version === 1 && typeof parsed.models === 'object' ? parsed : { version: 1, models: {} };
  } catch {
    return { version: 1, models: {} };
  }
}

/** The model's file, converting it first when it is missing or stale. Concurrent callers share one conversion. */
export function ensureConvertedModel(modelsDir: string, id: string, options: { force?: boolean } = {}): Promise<ConversionResult> {
  const key = `${modelsDir}\0${id}`;
  let job = inFlight.get(key);
  if (!job) {
    job = convertIfNeeded(modelsDir, id, options.force === true).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

/** Every manifest entry produced by this converter. */
export function convertibleModels(modelsDir: string): ModelEntry[] {
  return readManifest(modelsDir).models.filter((m) => m.source.type === 'converted' && m.source.converter === 'tfjs-graph');
}

async function convertIfNeeded(modelsDir: string, id: string, force: boolean): Promise<ConversionResult> {
  const entry = convertibleModels(modelsDir).find((m) => m.id === id);
  if (!entry || entry.source.type !== 'converted') throw new AppError('MODEL_MISSING', `No TF.js-converted model "${id}" in the model manifest`);
  const { package: pkg, path: sourcePath } = entry.source;
  const dir = packageDir(pkg);
  if (!dir) throw new AppError('MODEL_MISSING', `Model ${id} is converted from the npm package ${pkg}, which is not installed`);
  const sourceVersion = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const path = modelPath(entry, modelsDir);
  const previous = (await readGeneratedState(modelsDir)).models[id];
  if (!force && previous && previous.sourceVersion === sourceVersion && previous.converter === CONVERTER_REVISION) {
    const existing = await readFile(path).catch(() => null);
    if (existing && sha256(existing) === previous.sha256) return { id, path, converted: false, record: previous };
  }
  const converted = convertGraphModel(await loadGraphModel(join(dir, sourcePath)), {
    name: id,
    metadata: { source: `${pkg}@${sourceVersion}/${sourcePath}`, converter: CONVERTER_REVISION },
  });
  await writeFileAtomic(path, converted.bytes, 0o644);
  const record: GeneratedRecord = {
    sourcePackage: pkg,
    sourceVersion,
    sourcePath,
    converter: CONVERTER_REVISION,
    sha256: sha256(converted.bytes),
    bytes: converted.bytes.byteLength,
    generatedAt: new Date().toISOString(),
  };
  await recordState(modelsDir, id, record);
  return { id, path, converted: true, record };
}

/** Read-modify-write of state.json, serialised inside the process. */
function recordState(modelsDir: string, id: string, record: GeneratedRecord): Promise<void> {
  const write = stateWrites.then(async () => {
    const state = await readGeneratedState(modelsDir);
    state.models[id] = record;
    await writeFileAtomic(statePath(modelsDir), `${JSON.stringify(state, null, 2)}\n`, 0o644);
  });
  stateWrites = write.catch(() => undefined);
  return write;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
