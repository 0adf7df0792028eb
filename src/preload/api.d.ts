import type { Result } from '../shared/errors';

/** What the preload exposes as window.mellm; the renderer's client types it per channel. */
export interface PreloadBridge {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** The path of a file dropped on the page (webUtils.getPathForFile); '' for a file not from disk. */
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    mellm?: PreloadBridge;
  }
}
