/**
 * Small pieces of UI state kept in the browser's storage (localStorage in the app):
 * read back through a schema, so a value written by another version or edited by hand
 * is dropped instead of breaking the view. Storage that is full or switched off only
 * means the place is not remembered; it never fails the action that saved it.
 */
import type { z } from 'zod';

/** The part of the Web Storage interface used here (a Map-backed one in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

/** The page's localStorage, or null where the browser refuses it. */
export function browserStorage(): KeyValueStorage | null {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

export function readSaved<T>(storage: KeyValueStorage | null, key: string, schema: z.ZodType<T>): T | null {
  if (!storage) return null;
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: dropped below like any other unreadable value.
  }
  writeSaved(storage, key, null);
  return null;
}

/** Writes `value` (null removes it); false when the storage refused it. */
export function writeSaved(storage: KeyValueStorage | null, key: string, value: unknown): boolean {
  if (!storage) return false;
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** The keys that start with `prefix`, reading at most `limit` keys of the storage. */
export function savedKeys(storage: KeyValueStorage, prefix: string, limit = 10_000): string[] {
  const keys: string[] = [];
  const count = Math.min(storage.length, limit);
  for (let i = 0; i < count; i += 1) {
    const key = storage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  return keys;
}
