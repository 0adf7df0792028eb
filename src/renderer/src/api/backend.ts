/**
 * The renderer's view of backend capabilities. Channels owned by other stages (store,
 * media, analysis) are called through these adapters by name; when this build does not
 * register a channel, the adapter throws BackendMissingError and the UI shows an honest
 * "not available" state instead of inventing data.
 */
import { CHANNEL_NAMES } from '@shared/api';
import { api } from './client';

const registered = new Set<string>(CHANNEL_NAMES);

export class BackendMissingError extends Error {
  constructor(readonly channel: string) {
    super(`The channel ${channel} is not available in this build`);
  }
}

export function hasChannel(name: string): boolean {
  return registered.has(name);
}

/** Calls a channel by name; the output type is the adapter's documented assumption. */
export async function callChannel<T>(name: string, input: unknown): Promise<T> {
  if (!hasChannel(name)) throw new BackendMissingError(name);
  return (await api.callByName(name, input)) as T;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
