/**
 * Calls a backend channel by name for adapters whose output type is documented beside
 * them. Every channel of `@shared/api` is registered by both transports (Electron IPC and
 * the bridge), so the renderer never needs to ask whether one exists.
 */
import { api } from './client';

/** Calls a channel by name; the output type is the adapter's documented assumption. */
export async function callChannel<T>(name: string, input: unknown): Promise<T> {
  return (await api.callByName(name, input)) as T;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
