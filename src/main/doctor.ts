import type { DoctorReport } from '@shared/api';
import { AppError } from '@shared/errors';
import { locateFfmpeg } from './media/ffmpeg';
import { modelStatus, readManifest } from './inference/manifest';
import { executionProviders, onnxRuntimeVersion } from './inference/onnx/runtime';
import { sqliteVersion } from './store/sqlite/version';
import { nodeRequire } from './util/node-require';

/** What this installation can do: ffmpeg, ONNX runtime, SQLite, and which models are present. */
export function doctor(modelsDir: string): DoctorReport {
  let ffmpeg: DoctorReport['ffmpeg'];
  try {
    const found = locateFfmpeg(process.env, { fresh: true });
    ffmpeg = { ok: true, path: found.path, source: found.source, version: found.version, error: null };
  } catch (error) {
    ffmpeg = { ok: false, path: null, source: null, version: null, error: AppError.from(error).message };
  }
  const driver = `better-sqlite3 ${(nodeRequire('better-sqlite3/package.json') as { version: string }).version}`;
  return {
    ffmpeg,
    onnxruntime: { version: onnxRuntimeVersion(), providers: executionProviders() },
    sqlite: { version: sqliteVersion(), driver },
    models: readManifest(modelsDir).models.map((entry) => modelStatus(entry, modelsDir)),
  };
}
