/**
 * The flow layer's legend, over the stage's corner: the key of the current rendering (drawn
 * by main with the overlay's own colouring), what full scale means in pixels, the largest
 * motion, and the scale choice (auto, or a fixed number of pixels so sub-pixel noise stays
 * faint).
 */
import { useTranslation } from 'react-i18next';
import { FLOW_SCALES, type FlowScale } from '@shared/api/analysis';
import type { LoadedOverlay } from '../state/use-flow-overlay';
import { formatAxisValue } from '../state/curve-scale';

interface Props {
  readonly overlay: LoadedOverlay;
  readonly scale: FlowScale;
  onScale(scale: FlowScale): void;
}

const pixels = (value: number): string => (value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2));

export function FlowLegend({ overlay, scale, onScale }: Props) {
  const { t } = useTranslation();
  const arrows = overlay.mode === 'arrows';
  return (
    <div className="flow-legend" data-testid="flow-legend" role="group" aria-label={t('layers.legend')} title={t('layers.unit')}>
      <img src={overlay.legendUrl} alt={t(arrows ? 'layers.arrowsKey' : 'layers.key')} width={52} height={52} data-testid="flow-legend-key" />
      <div className="flow-legend-text">
        <span data-testid="flow-legend-scale" data-px={overlay.scalePx}>
          {overlay.scalePx > 0 ? t(arrows ? 'layers.fullArrow' : 'layers.rim', { px: pixels(overlay.scalePx) }) : t('layers.still')}
        </span>
        <span className="muted" data-testid="flow-legend-largest">
          {t('layers.largest', { px: pixels(overlay.maxPx) })}
        </span>
        <label>
          {t('layers.scale')}
          <select name="flow-scale" value={String(scale)} onChange={(event) => onScale(event.target.value === 'auto' ? 'auto' : Number(event.target.value))}>
            {FLOW_SCALES.map((option) => (
              <option key={String(option)} value={String(option)}>
                {option === 'auto' ? t('layers.auto') : t('layers.px', { value: formatAxisValue(option) })}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
