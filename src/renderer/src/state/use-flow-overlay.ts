/**
 * The stored flow overlay image of an analysis (analysis.overlay PNG), loaded for the
 * stage's flow layer in the chosen rendering and scale, with its legend. The image covers
 * the face crop, not the frame.
 */
import { useEffect, useState } from 'react';
import type { FlowScale, OverlayKind } from '@shared/api/analysis';
import { analysisApi, type FlowOverlayRef } from '../api/analysis';

/** The stage's flow renderings, each drawn by the main process (inference/flow/visualize.ts). */
export const FLOW_MODES = ['wheel', 'hsv', 'magnitude', 'arrows'] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

const KIND_OF_MODE: Record<FlowMode, OverlayKind> = { wheel: 'colorwheel', hsv: 'mellm-hsv', magnitude: 'magnitude', arrows: 'arrows' };

export interface LoadedOverlay {
  readonly image: HTMLImageElement;
  /** The rendering this image is: the legend names what is drawn, which may lag the chosen mode while the next one loads. */
  readonly mode: FlowMode;
  readonly crop: FlowOverlayRef['crop'];
  /** The legend's key: a disc drawn as the overlay draws motion from its centre, the rim at `scalePx`. */
  readonly legendUrl: string;
  /** Motion drawn at full colour, and the largest motion, in reference-crop px (the description's unit). */
  readonly scalePx: number;
  readonly maxPx: number;
}

export function useFlowOverlay(overlay: FlowOverlayRef | null | undefined, mode: FlowMode, scale: FlowScale, visible: boolean): LoadedOverlay | null {
  const [loaded, setLoaded] = useState<{ key: string; analysisId: number; value: LoadedOverlay } | null>(null);
  const key = overlay && visible ? `${overlay.analysisId}:${KIND_OF_MODE[mode]}:${scale}` : null;
  useEffect(() => {
    if (!overlay || key === null) return;
    let live = true;
    analysisApi.overlay(overlay.analysisId, KIND_OF_MODE[mode], scale).then(
      ({ url, legendUrl, scalePx, maxPx }) => {
        const image = new Image();
        image.onload = () => {
          if (live) setLoaded({ key, analysisId: overlay.analysisId, value: { image, mode, crop: overlay.crop, legendUrl, scalePx, maxPx } });
        };
        image.src = url;
      },
      // A missing overlay (e.g. its files were cleaned up) just leaves the layer empty.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [overlay, key, mode, scale]);
  if (!loaded || key === null) return null;
  // While another rendering or scale of the same analysis loads, the one on screen stays:
  // no blank frame between them, and the legend's scale picker stays under the pointer.
  return loaded.key === key || loaded.analysisId === overlay?.analysisId ? loaded.value : null;
}
