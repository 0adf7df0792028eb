import type { Result } from '../shared/errors';

/** What the preload exposes as window.mellm; the renderer's client types it per channel. */
export interface PreloadBridge {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    mellm?: PreloadBridge;
  }
}
