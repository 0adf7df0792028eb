/**
 * Above the stage: the current frame number (always the frame drawn), go-to-frame, J/K/L
 * playback state and speed, loop onset↔offset, layer toggles with opacity, the flow
 * rendering, fit / 1:1, undo / redo and the save status.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GOTO_DIGITS, gotoInput, gotoTarget } from '../state/goto-frame';
import { FLOW_MODES, type FlowMode } from '../state/use-flow-overlay';
import { PLAYBACK_SPEEDS, speedOf, type Playback } from '../state/playback';
import { OVERLAY_LAYERS, type LayerSettings, type OverlayLayer } from './FrameStage';
import { SaveStatus, type SaveLabel } from './SaveStatus';
import { useShownIndex, type ShownFrameSource } from '../state/shown-frame';

export type { SaveLabel };

interface Props {
  /** The frame on screen: only its number subscribes, so a step does not re-render the bar. */
  readonly shown: ShownFrameSource;
  readonly frames: number;
  readonly fps: number;
  onGoTo(frame: number): void;
  readonly playback: Playback;
  onPlayback(next: Playback): void;
  readonly layers: LayerSettings;
  readonly layerAvailable: Readonly<Record<OverlayLayer, boolean>>;
  onLayers(next: LayerSettings): void;
  readonly flowMode: FlowMode;
  onFlowMode(mode: FlowMode): void;
  onView(kind: 'fit' | 'actual'): void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  readonly saveStatus: SaveLabel;
  readonly saveError: string | null;
  /** When the next retry of a failed save starts (epoch ms), or null. */
  readonly retryAt?: number | null;
  /** Null when the face stage is not available. */
  readonly onFindFace: (() => void) | null;
  readonly faceStatus: string | null;
}

/** The number of the frame drawn, with its time in the tooltip. */
function FrameNumber({ shown, fps }: { shown: ShownFrameSource; fps: number }) {
  const { t } = useTranslation();
  const frame = useShownIndex(shown);
  const seconds = frame !== null && fps > 0 ? (frame / fps).toFixed(3) : '';
  return (
    <output className="frame-number" data-testid="frame-number" aria-live="off" title={t('annotate.seconds', { seconds })}>
      {frame ?? '–'}
    </output>
  );
}

export function TransportBar(props: Props) {
  const { t } = useTranslation();
  const [goto, setGoto] = useState('');
  const [clampedTo, setClampedTo] = useState<number | null>(null);
  const { playback } = props;

  return (
    <div className="transport" role="toolbar" aria-label={t('annotate.toolbar')}>
      <FrameNumber shown={props.shown} fps={props.fps} />
      <span className="muted">{t('annotate.ofFrames', { frames: props.frames })}</span>
      <form
        className="goto"
        onSubmit={(event) => {
          event.preventDefault();
          const target = gotoTarget(goto, props.frames);
          if (target) {
            props.onGoTo(target.frame);
            setClampedTo(target.clamped ? target.frame : null);
          }
          (event.currentTarget.elements.namedItem('goto') as HTMLInputElement | null)?.blur();
        }}
      >
        <input
          name="goto"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          size={GOTO_DIGITS}
          maxLength={GOTO_DIGITS}
          value={goto}
          placeholder={t('annotate.gotoPlaceholder')}
          aria-label={t('annotate.goto')}
          title={t('annotate.goto')}
          onChange={(event) => setGoto(gotoInput(event.target.value))}
        />
        {/* The note's slot is always as wide as the longest note, so it never moves the toolbar. */}
        <span className="goto-slot">
          {clampedTo !== null && (
            <span className="goto-note warn" role="status" data-testid="goto-note">
              {t('annotate.gotoClamped', { frame: clampedTo })}
            </span>
          )}
          <span className="sizer" aria-hidden data-text={t('annotate.gotoClamped', { frame: Math.max(props.frames - 1, 0) })} />
        </span>
      </form>
      <div className="group">
        <button type="button" aria-pressed={playback.direction === -1} title={t('hotkeys.actions.play.backward')} onClick={() => props.onPlayback({ ...playback, direction: -1 })}>
          {t('annotate.playBackward')}
        </button>
        <button type="button" aria-pressed={playback.direction === 0} title={t('hotkeys.actions.play.stop')} onClick={() => props.onPlayback({ ...playback, direction: 0 })}>
          {t('annotate.pause')}
        </button>
        <button type="button" aria-pressed={playback.direction === 1} title={t('hotkeys.actions.play.forward')} onClick={() => props.onPlayback({ ...playback, direction: 1 })}>
          {t('annotate.playForward')}
        </button>
        <select
          aria-label={t('annotate.speed')}
          name="speed"
          value={playback.speedIndex}
          onChange={(event) => props.onPlayback({ ...playback, speedIndex: Number(event.target.value) })}
        >
          {PLAYBACK_SPEEDS.map((speed, i) => (
            <option key={speed} value={i}>
              {t('annotate.speedValue', { speed })}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={playback.loop} onChange={(event) => props.onPlayback({ ...playback, loop: event.target.checked })} />
          {t('annotate.loop')}
        </label>
        <span className="muted" data-testid="speed">
          {playback.direction !== 0 ? t('annotate.speedValue', { speed: speedOf(playback) }) : ''}
        </span>
      </div>
      <div className="group layers">
        {OVERLAY_LAYERS.map((layer) => (
          <label key={layer} className="check" title={props.layerAvailable[layer] ? '' : t('annotate.layerUnavailable')}>
            <input
              type="checkbox"
              name={`layer-${layer}`}
              disabled={!props.layerAvailable[layer]}
              checked={props.layers[layer].visible && props.layerAvailable[layer]}
              onChange={(event) => props.onLayers({ ...props.layers, [layer]: { ...props.layers[layer], visible: event.target.checked } })}
            />
            {t(`annotate.layers.${layer}`)}
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              aria-label={t('annotate.opacity', { layer: t(`annotate.layers.${layer}`) })}
              disabled={!props.layerAvailable[layer]}
              value={props.layers[layer].opacity}
              onChange={(event) => props.onLayers({ ...props.layers, [layer]: { ...props.layers[layer], opacity: Number(event.target.value) } })}
            />
          </label>
        ))}
        {props.onFindFace && (
          <button type="button" onClick={props.onFindFace} data-testid="find-face">
            {t('annotate.findFace')}
          </button>
        )}
        {props.faceStatus && (
          <span className="muted" data-testid="face-status">
            {props.faceStatus}
          </span>
        )}
        <select aria-label={t('annotate.flowMode')} name="flow-mode" value={props.flowMode} disabled={!props.layerAvailable.flow} onChange={(event) => props.onFlowMode(event.target.value as FlowMode)}>
          {FLOW_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {t(`annotate.flowModes.${mode}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="group">
        <button type="button" onClick={() => props.onView('fit')}>
          {t('annotate.fit')}
        </button>
        <button type="button" onClick={() => props.onView('actual')}>
          {t('annotate.actual')}
        </button>
        <button type="button" disabled={!props.canUndo} onClick={props.onUndo} data-testid="undo">
          {t('annotate.undo')}
        </button>
        <button type="button" disabled={!props.canRedo} onClick={props.onRedo}>
          {t('annotate.redo')}
        </button>
        <SaveStatus status={props.saveStatus} error={props.saveError} retryAt={props.retryAt ?? null} />
      </div>
    </div>
  );
}
