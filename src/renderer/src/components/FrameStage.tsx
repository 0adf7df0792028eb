/**
 * The frame on a Konva stage: zoom around the cursor (wheel), pan (drag), fit / 1:1,
 * and fadeable layers (difference to onset, flow, ROI boxes, landmarks) drawn in frame
 * pixel coordinates. The frame layer is drawn synchronously when the frame changes, so
 * the frame number shown beside it and the pixels on screen change in the same paint.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type Konva from 'konva';
import type { FlowScale } from '@shared/api/analysis';
import { roiLabel } from '@shared/rois';
import { Circle, Group, Image as KonvaImage, Layer, Rect, Stage, Text } from 'react-konva';
import type { AnalysisView } from '../api/analysis';
import type { ShownFrame } from '../state/frame-bitmap';
import { useShownFrame, type ShownFrameSource } from '../state/shown-frame';
import { useFlowOverlay } from '../state/use-flow-overlay';
import { differenceRgba } from '../state/difference';
import type { FlowMode } from '../state/use-flow-overlay';
import { placeOnFrame } from '../state/overlay-placement';
import { languageOf } from '../i18n';
import { FlowLegend } from './FlowLegend';
import { useFirstFrameShown } from '../state/use-first-frame-shown';

export interface LayerSetting {
  readonly visible: boolean;
  readonly opacity: number;
}

export const OVERLAY_LAYERS = ['difference', 'flow', 'rois', 'landmarks'] as const;
export type OverlayLayer = (typeof OVERLAY_LAYERS)[number];
export type LayerSettings = Readonly<Record<OverlayLayer, LayerSetting>>;

export interface ViewCommand {
  readonly kind: 'fit' | 'actual';
  readonly nonce: number;
}

interface Props {
  /** The frame to draw: the stage subscribes, so a step re-renders the stage alone. */
  readonly frames: ShownFrameSource;
  readonly onsetFrame: ShownFrame | null;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly layers: LayerSettings;
  readonly flowMode: FlowMode;
  readonly analysis: AnalysisView | null;
  readonly command: ViewCommand;
  /** Called after the frame layer drew `index` (the bench and the e2e listen for it). */
  readonly onPainted?: (index: number) => void;
  /** The zoom and pan to start with (null: fit). */
  readonly initialView?: View | null;
  /** Called when the zoom or pan changes (null: back to fit). */
  readonly onViewChange?: (view: View | null) => void;
}

export interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

/** Overlay colours: fixed so they read the same on dark and light themes. */
const COLOURS = { roi: '#4fb3ff', landmark: '#3ccf91' } as const;

function pixelsOf(image: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return new Uint8ClampedArray(width * height * 4);
  context.drawImage(image, 0, 0, width, height);
  return context.getImageData(0, 0, width, height).data;
}

/** ROI label size on screen, px: below 11 px a Chinese name is no longer legible. */
const ROI_LABEL_PX = 11;

/**
 * At fit zoom the 29 ROI boxes are small and close together: a label is drawn only when
 * its box is about as wide on screen as the text (a Chinese character is about twice a
 * Latin letter's width), so zooming in reveals the names.
 */
function roiLabelFits(boxWidth: number, label: string, scale: number): boolean {
  let width = 0;
  for (const char of label) width += char.codePointAt(0)! >= 0x2e80 ? ROI_LABEL_PX : ROI_LABEL_PX * 0.55;
  return boxWidth * scale >= width;
}

function canvasFrom(rgba: Uint8ClampedArray, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas;
}

type FlowImage = NonNullable<ReturnType<typeof useFlowOverlay>>;

interface OverlayProps {
  readonly view: View;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly difference: HTMLCanvasElement | null;
  readonly layers: LayerSettings;
  readonly flow: FlowImage | null;
  readonly analysis: AnalysisView | null;
  readonly language: ReturnType<typeof languageOf>;
}

/**
 * Everything drawn over the frame. Memoised: a frame step changes none of its props
 * (unless the difference layer is on), so React skips reconciling the ROI boxes and
 * landmarks and Konva leaves this layer's canvas alone while the frame layer redraws.
 */
const OverlayLayer = memo(function OverlayLayer({ view, frameWidth, frameHeight, difference, layers, flow: storedFlow, analysis, language }: OverlayProps) {
  const transform = { x: view.x, y: view.y, scaleX: view.scale, scaleY: view.scale };
  const flowPlacement = storedFlow ? placeOnFrame(storedFlow.crop, { width: storedFlow.image.naturalWidth, height: storedFlow.image.naturalHeight }, { width: frameWidth, height: frameHeight }) : null;
  return (
    <Layer listening={false}>
      {/* Nothing drawn over the frame leaves it: ROI boxes and labels near an edge are cut there too. */}
      <Group {...transform} clipX={0} clipY={0} clipWidth={frameWidth} clipHeight={frameHeight}>
        {difference && <KonvaImage image={difference} opacity={layers.difference.opacity} />}
        {storedFlow && flowPlacement && (
          <KonvaImage
            image={storedFlow.image}
            opacity={layers.flow.opacity}
            crop={flowPlacement.source}
            {...flowPlacement.target}
          />
        )}
        {layers.rois.visible && analysis?.rois && (
          <Group opacity={layers.rois.opacity}>
            {analysis.rois.map((roi) => {
              const label = roiLabel(roi.name, language);
              return (
                <Group key={roi.name}>
                  <Rect x={roi.x} y={roi.y} width={roi.width} height={roi.height} stroke={COLOURS.roi} strokeWidth={1 / view.scale} />
                  {roiLabelFits(roi.width, label, view.scale) && <Text x={roi.x} y={roi.y - (ROI_LABEL_PX + 2) / view.scale} text={label} fontSize={ROI_LABEL_PX / view.scale} fill={COLOURS.roi} />}
                </Group>
              );
            })}
          </Group>
        )}
        {layers.landmarks.visible && analysis?.landmarks && (
          <Group opacity={layers.landmarks.opacity}>
            {analysis.landmarks.map(([x, y], i) => (
              <Circle key={i} x={x} y={y} radius={1.2 / view.scale} fill={COLOURS.landmark} />
            ))}
          </Group>
        )}
      </Group>
    </Layer>
  );
});

export function FrameStage({ frames, onsetFrame, frameWidth, frameHeight, layers, flowMode, analysis, command, onPainted, initialView = null, onViewChange }: Props) {
  const { i18n } = useTranslation();
  const frame = useShownFrame(frames);
  // The overlay layer's canvases are made once frame 0 is on screen: nothing is drawn on them before an analysis.
  const overlaysMade = useFirstFrameShown();
  const [flowScale, setFlowScale] = useState<FlowScale>('auto');
  const containerRef = useRef<HTMLDivElement>(null);
  const frameLayerRef = useRef<Konva.Layer>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  // In fit mode the view follows the container; any zoom or pan switches to a free view.
  const [freeView, setFreeView] = useState<View | null>(initialView);
  const [seenCommand, setSeenCommand] = useState(command.nonce);
  useEffect(() => {
    onViewChange?.(freeView);
  }, [freeView, onViewChange]);

  useLayoutEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    // Measured now, so the Konva stage mounts before the browser paints this commit (and is
    // ready for the first frame) rather than after the observer's first callback, a frame later.
    const resize = (width: number, height: number) => setSize((size) => (size.width === width && size.height === height ? size : { width, height }));
    const box = element.getBoundingClientRect();
    resize(Math.floor(box.width), Math.floor(box.height));
    // Its first callback reports the size just measured: no second render for it.
    const observer = new ResizeObserver(([entry]) => {
      if (entry) resize(Math.floor(entry.contentRect.width), Math.floor(entry.contentRect.height));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const fitView = useMemo((): View => {
    if (!size.width || !size.height) return { scale: 1, x: 0, y: 0 };
    const scale = Math.min(size.width / frameWidth, size.height / frameHeight);
    return { scale, x: (size.width - frameWidth * scale) / 2, y: (size.height - frameHeight * scale) / 2 };
  }, [size, frameWidth, frameHeight]);

  // A new fit / 1:1 command replaces the view (state adjusted while rendering, not in an effect).
  if (command.nonce !== seenCommand) {
    setSeenCommand(command.nonce);
    setFreeView(command.kind === 'fit' ? null : { scale: 1, x: (size.width - frameWidth) / 2, y: (size.height - frameHeight) / 2 });
  }
  const view = freeView ?? fitView;

  useLayoutEffect(() => {
    const layer = frameLayerRef.current;
    if (!layer || !frame) return;
    layer.draw();
    onPainted?.(frame.index);
  }, [frame, view, size, onPainted]);

  const difference = useMemo(() => {
    if (!layers.difference.visible || !frame || !onsetFrame) return null;
    const current = pixelsOf(frame.image, frameWidth, frameHeight);
    const onset = pixelsOf(onsetFrame.image, frameWidth, frameHeight);
    return canvasFrom(differenceRgba(current, onset), frameWidth, frameHeight);
  }, [layers.difference.visible, frame, onsetFrame, frameWidth, frameHeight]);

  const storedFlow = useFlowOverlay(analysis?.flowOverlay, flowMode, flowScale, layers.flow.visible);
  // The ROI labels follow the UI's language (a switch re-renders through useTranslation).
  const language = languageOf(i18n.language);

  const onWheel = (event: Konva.KonvaEventObject<WheelEvent>) => {
    event.evt.preventDefault();
    const pointer = event.target.getStage()?.getPointerPosition();
    if (!pointer) return;
    setFreeView(() => {
      const current = view;
      const scale = Math.min(Math.max(current.scale * Math.pow(1.0015, -event.evt.deltaY), 0.05), 64);
      const worldX = (pointer.x - current.x) / current.scale;
      const worldY = (pointer.y - current.y) / current.scale;
      return { scale, x: pointer.x - worldX * scale, y: pointer.y - worldY * scale };
    });
  };

  const transform = { x: view.x, y: view.y, scaleX: view.scale, scaleY: view.scale };
  return (
    <div className="frame-stage" ref={containerRef} data-testid="frame-stage" data-zoom={freeView ? view.scale.toFixed(3) : 'fit'}>
      {size.width > 0 && (
        <Stage
          width={size.width}
          height={size.height}
          onWheel={onWheel}
          draggable
          x={0}
          y={0}
          onDragEnd={(event) => {
            const stage = event.target;
            setFreeView({ ...view, x: view.x + stage.x(), y: view.y + stage.y() });
            stage.position({ x: 0, y: 0 });
          }}
        >
          <Layer ref={frameLayerRef} imageSmoothingEnabled={view.scale < 1}>
            {frame && <KonvaImage image={frame.image} width={frameWidth} height={frameHeight} {...transform} />}
          </Layer>
          {overlaysMade && <OverlayLayer view={view} frameWidth={frameWidth} frameHeight={frameHeight} difference={difference} layers={layers} flow={storedFlow} analysis={analysis} language={language} />}
        </Stage>
      )}
      {storedFlow && <FlowLegend overlay={storedFlow} scale={flowScale} onScale={setFlowScale} />}
    </div>
  );
}
