/**
 * The stored flow overlay image of an analysis (analysis.overlay PNG), loaded for the
 * stage's flow layer in the chosen rendering. The image covers the face crop, not the frame.
 */
import { useEffect, useState } from 'react';
import type { OverlayKind } from '@shared/api/analysis';
import { analysisApi, type FlowOverlayRef } from '../api/analysis';

/** The stage's flow renderings, each drawn by the main process (inference/flow/visualize.ts). */
export const FLOW_MODES = ['wheel', 'hsv', 'magnitude', 'arrows'] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

const KIND_OF_MODE: Record<FlowMode, OverlayKind> = { wheel: 'colorwheel', hsv: 'mellm-hsv', magnitude: 'magnitude', arrows: 'arrows' };

export interface LoadedOverlay {
  readonly image: HTMLImageElement;
  readonly crop: FlowOverlayRef['crop'];
}

export function useFlowOverlay(overlay: FlowOverlayRef | null | undefined, mode: FlowMode, visible: boolean): LoadedOverlay | null {
  const [loaded, setLoaded] = useState<{ key: string; value: LoadedOverlay } | null>(null);
  const key = overlay && visible ? `${overlay.analysisId}:${KIND_OF_MODE[mode]}` : null;
  useEffect(() => {
    if (!overlay || key === null) return;
    let live = true;
    analysisApi.overlayUrl(overlay.analysisId, KIND_OF_MODE[mode]).then(
      (url) => {
        const image = new Image();
        image.onload = () => {
          if (live) setLoaded({ key, value: { image, crop: overlay.crop } });
        };
        image.src = url;
      },
      // A missing overlay (e.g. its files were cleaned up) just leaves the layer empty.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [overlay, key, mode]);
  return loaded && loaded.key === key ? loaded.value : null;
}
