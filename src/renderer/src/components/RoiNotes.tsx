/**
 * Under the suggestion: the regions the analysis did not read where they lie. An eyeglass
 * frame covering a cheek or a brow moves with the head, so the region's motion was read from
 * the skin just below or above the rim; a region a frame or hair covers whole is not read.
 * One line per kind, the regions in the ROI order, named in the UI's language.
 */
import { useTranslation } from 'react-i18next';
import { roiLabel } from '@shared/rois';
import type { RoiNote } from '../api/analysis-types';
import { languageOf } from '../i18n';

const KINDS: ReadonlyArray<RoiNote['note']> = ['below-rim', 'above-rim', 'occluded-glasses', 'occluded-hair'];

export function RoiNotes({ notes }: { readonly notes: readonly RoiNote[] }) {
  const { t, i18n } = useTranslation();
  const language = languageOf(i18n.language);
  return (
    <ul className="muted roi-notes" data-testid="roi-notes">
      {KINDS.map((kind) => {
        const regions = notes.filter((n) => n.note === kind).map((n) => roiLabel(n.region, language));
        return regions.length ? (
          <li key={kind} data-testid="roi-note" data-note={kind}>
            {t(`suggest.roiNotes.${kind}`, { regions: regions.join(t('suggest.roiNotes.separator')) })}
          </li>
        ) : null;
      })}
    </ul>
  );
}
