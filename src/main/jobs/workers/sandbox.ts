import { createHash } from 'node:crypto';
import { AppError } from '@shared/errors';
import { renderChatTemplate } from '../../inference/llm/template';
import { MODEL_FILE_LIMITS, readModelFile, type ModelFile } from '../../inference/model-files';
import { serveJobs } from '../child-runtime';
import type { SandboxJob } from '../sandbox';

/**
 * The sandbox process (jobs/sandbox.ts): runs the untrusted code and data of model
 * folders under the sandbox's limits. Whatever a chat template or an ONNX file does, it
 * does to this process alone.
 */
serveJobs<SandboxJob, string | null>(async () => async (input, context) => {
  // Starts the caller's time limit; the message leaves before the work blocks the loop.
  context.progress(0, 1);
  await new Promise<void>((resolve) => setImmediate(resolve));
  switch (input.kind) {
    case 'chat-template':
      return renderChatTemplate(input.job);
    case 'onnx-session':
      await createSession(input.file, input.sha256);
      return null;
  }
});

/** Creates (and releases) a session of the very bytes the caller is about to load. */
async function createSession(file: ModelFile, sha256: string): Promise<void> {
  const bytes = await readModelFile(file, MODEL_FILE_LIMITS.onnx);
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new AppError('MODEL_INVALID', `${file.name} in ${file.folder} changed while it was being checked; try again once nothing writes to it.`);
  }
  // Loaded here only: a template-rendering process has no use for ONNX Runtime.
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  } catch (error) {
    throw new AppError('MODEL_INVALID', `${file.name} in ${file.folder} is not a valid ONNX model: ${(error as Error).message}`, { cause: error });
  }
  await session.release();
}
