import type { llmChannels } from '@shared/api';
import type { LlmSpeed } from '../inference/llm/speed';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

const pickRates = ({ prefillTokensPerSecond, tokensPerSecond, measuredAt }: LlmSpeed) => ({ prefillTokensPerSecond, tokensPerSecond, measuredAt });

export function llmHandlers(services: Services): Pick<HandlerTable, keyof typeof llmChannels> {
  const { llm } = services;
  return {
    'llm.list': async () => {
      const settings = await services.settings.get();
      return { folders: await llm.list(settings), active: settings.activeLlm, thinking: settings.llmThinking };
    },
    'llm.verify': async ({ folder }) => llm.verify(folder),
    'llm.generate': async (input, meta) => {
      const settings = await services.settings.get();
      const requestId = input.requestId ?? llm.newId();
      const folder = llm.resolveFolder(settings, input.folder);
      const result = await llm.generate(folder, requestId, {
        ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
        ...(input.messages ? { messages: input.messages } : {}),
        maxNewTokens: input.maxNewTokens ?? settings.llmMaxNewTokens,
        sampling: input.sampling ?? null,
        thinking: input.thinking === undefined ? settings.llmThinking : input.thinking,
        keepThinking: input.keepThinking ?? false,
        onDelta: (delta) => services.events.emit('llm.token', { requestId, delta }),
        ...(meta.signal ? { signal: meta.signal } : {}),
      });
      return {
        requestId,
        modelId: result.modelId,
        modelContent: result.modelContent,
        text: result.text,
        tokens: result.tokens,
        finishReason: result.finishReason,
        timings: result.timings,
      };
    },
    'llm.speed': async ({ folder, maxNewTokens }) => {
      const settings = await services.settings.get();
      // No model configured is an answer here, not an error: there is simply nothing to estimate.
      const chosen = folder === undefined && settings.activeLlm === null && !llm.hasDefaultFolder() ? null : llm.resolveFolder(settings, folder);
      if (!chosen) return { folder: null, speed: null, estimate: null };
      const { speed, estimate } = await llm.speed(chosen, maxNewTokens ?? settings.llmMaxNewTokens);
      return { folder: chosen, speed: speed && pickRates(speed), estimate };
    },
    'llm.calibrate': async ({ folder }, meta) => {
      const settings = await services.settings.get();
      const chosen = llm.resolveFolder(settings, folder);
      await llm.calibrate(chosen, meta.signal);
      const { speed, estimate } = await llm.speed(chosen, settings.llmMaxNewTokens);
      return { folder: chosen, speed: speed && pickRates(speed), estimate };
    },
    'llm.cancel': async ({ requestId }) => ({ cancelled: llm.cancel(requestId) }),
    'llm.download': async ({ url, folder, files, sha256, downloadId }) => {
      const id = downloadId ?? llm.newId();
      const written = await llm.download({
        baseUrl: url,
        folder,
        ...(files ? { files } : {}),
        ...(sha256 ? { sha256 } : {}),
        onProgress: (progress) => services.events.emit('llm.download.progress', { downloadId: id, ...progress }),
      });
      return { downloadId: id, files: written };
    },
  };
}
