import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LlmFolderSummary, LlmVerification, Settings } from '@shared/api';
import { AppError } from '@shared/errors';
import { downloadLlmFiles, type DownloadRequest } from './download';
import { inspectLlmFolder } from './folder';
import { generateChat, type ChatRequest, type GenerateResult } from './generate';
import { LlmPool } from './pool';
import { CALIBRATION_NEW_TOKENS, CALIBRATION_PROMPT, estimateSeconds, LlmSpeedBook, MELLM_PROMPT_TOKENS, type LlmSpeed } from './speed';
import type { TemplateRenderer } from './template';
import { verifyLlmFolder } from './verify';

/**
 * The model manager behind Settings' "Language model" section and the llm.* channels:
 * lists the configured folders (plus models/user/llm), verifies them, runs generation
 * requests that can be cancelled by id, and performs user-initiated downloads.
 */
export class LlmService {
  /** The one model this service keeps loaded (weights are hundreds of MB to GBs). */
  readonly pool: LlmPool;
  /** Measured generation speed per folder (user data `llm-speed.json`). */
  readonly speeds: LlmSpeedBook;
  readonly #renderer: TemplateRenderer;
  readonly #requests = new Map<string, AbortController>();
  // One generation at a time: a second concurrent run would only halve both on a few cores.
  #queue: Promise<unknown> = Promise.resolve();

  /** `renderer` renders the chat templates of the folders users choose: the sandbox (jobs/sandbox.ts). */
  constructor(
    private readonly paths: { readonly userData: string; readonly models: string },
    options: { readonly renderer: TemplateRenderer },
  ) {
    this.#renderer = options.renderer;
    this.pool = new LlmPool({ renderer: options.renderer });
    this.speeds = new LlmSpeedBook(join(paths.userData, 'llm-speed.json'));
  }

  /**
   * The folder's measured speed and what a MELLM description of up to `maxNewTokens`
   * would take at it (null until a calibration or a generation measured it).
   */
  async speed(folder: string, maxNewTokens: number): Promise<{ speed: LlmSpeed | null; estimate: { seconds: number; promptTokens: number; maxNewTokens: number } | null }> {
    // A folder that cannot be used has no speed; Settings shows why it cannot be used.
    const info = await inspectLlmFolder(folder).catch(() => null);
    const speed = info ? await this.speeds.get(info) : null;
    const estimate = speed ? { seconds: estimateSeconds(speed, MELLM_PROMPT_TOKENS, maxNewTokens), promptTokens: MELLM_PROMPT_TOKENS, maxNewTokens } : null;
    return { speed, estimate };
  }

  /** A short generation that measures the folder's speed on this machine (loads the model if needed). */
  async calibrate(folder: string, signal?: AbortSignal): Promise<LlmSpeed | null> {
    const result = await this.generate(folder, this.newId(), {
      prompt: CALIBRATION_PROMPT,
      maxNewTokens: CALIBRATION_NEW_TOKENS,
      keepThinking: true,
      ...(signal ? { signal } : {}),
    });
    return result.speed;
  }

  hasDefaultFolder(): boolean {
    return existsSync(this.defaultFolder);
  }

  /** The folder the manifest reserves for a user-provided model. */
  get defaultFolder(): string {
    return join(this.paths.models, 'user', 'llm');
  }

  /** The folder a request without one uses: the active setting, else models/user/llm if present. */
  resolveFolder(settings: Settings, folder?: string): string {
    const chosen = folder ?? settings.activeLlm ?? (existsSync(this.defaultFolder) ? this.defaultFolder : null);
    if (!chosen) {
      throw new AppError('MODEL_MISSING', 'No language model is configured: add an ONNX model folder in Settings → Language model.');
    }
    return resolve(chosen);
  }

  async list(settings: Settings): Promise<LlmFolderSummary[]> {
    const folders = [...new Set([...settings.llmFolders.map((f) => resolve(f)), ...(existsSync(this.defaultFolder) ? [this.defaultFolder] : [])])];
    return Promise.all(
      folders.map(async (folder) => {
        try {
          const info = await inspectLlmFolder(folder);
          return { folder, present: true, modelType: info.config.model_type ?? null, quantization: info.quantization, bytes: info.bytes, error: null };
        } catch (error) {
          return { folder, present: existsSync(folder), modelType: null, quantization: null, bytes: 0, error: AppError.from(error).message };
        }
      }),
    );
  }

  verify(folder: string): Promise<LlmVerification> {
    return verifyLlmFolder(folder, this.paths.userData, this.#renderer);
  }

  /** Runs one generation; `cancel(requestId)` or the caller's signal stops it within a token step. */
  async generate(folder: string, requestId: string, request: ChatRequest): Promise<GenerateResult & { modelId: string; modelContent: string; speed: LlmSpeed | null }> {
    if (this.#requests.has(requestId)) throw new AppError('INVALID_INPUT', `Request ${requestId} is already running.`);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    this.#requests.set(requestId, controller);
    const run = this.#queue.then(async () => {
      const model = await this.pool.get(folder);
      const result = await generateChat(model, { ...request, signal: controller.signal });
      // Every run refreshes the estimate; a failure to write it never costs the answer.
      const speed = await this.speeds.record(model.info, result.timings).catch(() => null);
      return { ...result, modelId: model.id, modelContent: model.contentId, speed };
    });
    this.#queue = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.#requests.delete(requestId);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  cancel(requestId: string): boolean {
    const controller = this.#requests.get(requestId);
    controller?.abort();
    return controller !== undefined;
  }

  async download(request: DownloadRequest): Promise<string[]> {
    return downloadLlmFiles(request);
  }

  newId(): string {
    return randomUUID();
  }

  async dispose(): Promise<void> {
    for (const controller of this.#requests.values()) controller.abort();
    // Let a cancelled run leave session.run before its session is released.
    await this.#queue;
    await this.pool.dispose();
  }
}
