/**
 * Where the annotator was in each clip: the frame, the zoom and pan of the stage and the
 * overlay layers, kept per workspace and clip so a clip reopens as it was left. At most
 * MAX_PLACES clips are remembered; the least recently left is forgotten first.
 */
import { z } from 'zod';
import { readSaved, savedKeys, writeSaved, type KeyValueStorage } from './saved-state';

const PREFIX = 'mellm.place.v1:';
export const MAX_PLACES = 200;

const LayerSchema = z.object({ visible: z.boolean(), opacity: z.number().min(0).max(1) });
const PlaceSchema = z.object({
  frame: z.number().int().min(0),
  /** Stage zoom and pan; null is "fit". */
  view: z.object({ scale: z.number().positive().max(64), x: z.number().finite(), y: z.number().finite() }).nullable(),
  layers: z.record(z.string(), LayerSchema),
  flowMode: z.string().max(32).optional(),
  /** When the place was saved (ms since the epoch), for forgetting the oldest. */
  at: z.number(),
});

export type ClipPlace = Omit<z.infer<typeof PlaceSchema>, 'at'>;
export type Layer = z.infer<typeof LayerSchema>;

/** A clip is known by its workspace file and its clip id there, or by its path when it has no workspace. */
export function placeKey(workspace: string | null, clip: number | string): string {
  return `${PREFIX}${workspace ?? ''}\u0000${clip}`;
}

export function readPlace(storage: KeyValueStorage | null, key: string): ClipPlace | null {
  const saved = readSaved(storage, key, PlaceSchema);
  if (!saved) return null;
  const { at: _at, ...place } = saved;
  return place;
}

export function writePlace(storage: KeyValueStorage | null, key: string, place: ClipPlace, now = Date.now()): void {
  if (!storage) return;
  const known = storage.getItem(key) !== null;
  writeSaved(storage, key, { ...place, at: now });
  if (known) return;
  const keys = savedKeys(storage, PREFIX);
  if (keys.length <= MAX_PLACES) return;
  const ages = keys.map((k) => ({ key: k, at: readSaved(storage, k, PlaceSchema)?.at ?? 0 })).sort((a, b) => a.at - b.at);
  for (const { key: old } of ages.slice(0, keys.length - MAX_PLACES)) writeSaved(storage, old, null);
}

/** The saved layers laid over the defaults: only known layers, each setting whole. */
export function restoreLayers<K extends string>(defaults: Readonly<Record<K, Layer>>, saved: Readonly<Record<string, Layer>> | undefined): Record<K, Layer> {
  const layers: Record<K, Layer> = { ...defaults };
  for (const name of Object.keys(defaults) as K[]) {
    const layer = saved?.[name];
    if (layer) layers[name] = { visible: layer.visible, opacity: layer.opacity };
  }
  return layers;
}

/**
 * The frame a clip opens at: where it was left, else the onset of the event it opens
 * on, else its first frame — always inside the clip.
 */
export function openingFrame(saved: ClipPlace | null, onset: number | null, frames: number): number {
  const frame = saved?.frame ?? onset ?? 0;
  return Math.min(Math.max(frame, 0), Math.max(frames - 1, 0));
}
