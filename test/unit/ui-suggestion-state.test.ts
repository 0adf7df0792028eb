import { describe, expect, it } from 'vitest';
import { toAnalysisView } from '../../src/renderer/src/api/analysis-view';
import { EMPTY_DRAFT, type DraftField } from '../../src/renderer/src/state/annotation';
import { acceptedFields, analysisStale, draftWithAll, offeredFields } from '../../src/renderer/src/state/suggestion-state';
import { storedAnalysisRow } from '../helpers/stored-analysis';
import type { StoredAnalysis } from '../../src/shared/api/analysis';

/** The Annotate view of an analysis the pipeline's report functions made (brows raised), as the store returns it. */
function analysed(frames = { onset: 10, apex: 20, offset: 40 }) {
  const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2], 'Left Outer Eyebrow': [0, -1.6], 'Right Outer Eyebrow': [0, -1.6] }, frames);
  // The models list as the pipeline records it: face models, the onset → apex flow, spotting, the describer.
  const models = [{ id: 'blazeface', version: '1' }, { id: 'flow-variational:balanced', version: '1' }, { id: 'spotting:flow-variational:fast', version: '1' }, { id: 'describer:en', version: '1' }];
  return toAnalysisView({ id: 1, eventId: 7, createdAt: '2026-12-06T00:00:00Z', models, timingsMs: {}, ...row } as unknown as StoredAnalysis);
}

const none = new Set<DraftField>();

describe('suggestion state', () => {
  it('offers every field the analysis suggested, and Accept all takes them in one draft', () => {
    const view = analysed();
    const suggestion = view.suggestion!;
    const offered = offeredFields(suggestion, none);
    expect(offered).toEqual(['aus', 'emotion', 'label3', 'description']);
    const all = draftWithAll(EMPTY_DRAFT, suggestion, none);
    for (const field of offered) expect(all[field]).toBe(suggestion[field]);
    expect([...acceptedFields(suggestion, all, new Set(offered), none)]).toEqual(offered);
  });

  it('leaves rejected fields out of Accept all, and a changed value is no longer shown as accepted', () => {
    const suggestion = analysed().suggestion!;
    const rejected = new Set<DraftField>(['description']);
    const all = draftWithAll({ ...EMPTY_DRAFT, description: 'mine' }, suggestion, rejected);
    expect(all.description).toBe('mine');
    expect(offeredFields(suggestion, rejected)).not.toContain('description');
    const taken = new Set(offeredFields(suggestion, rejected));
    expect(acceptedFields(suggestion, { ...all, aus: `${all.aus}+12` }, taken, rejected).has('aus')).toBe(false);
    expect(acceptedFields(suggestion, all, none, rejected).size).toBe(0);
  });

  it('marks an analysis stale once the markers no longer match the frames it ran on', () => {
    const { spotted } = analysed({ onset: 10, apex: 20, offset: 40 });
    expect(spotted?.source).toBe('user');
    expect(analysisStale(spotted, { onset: 10, apex: 20, offset: 40 })).toBe(false);
    expect(analysisStale(spotted, { onset: 11, apex: 20, offset: 40 })).toBe(true);
    expect(analysisStale(spotted, { onset: 10, apex: 21, offset: 40 })).toBe(true);
    expect(analysisStale(spotted, { onset: 10, apex: 20, offset: 39 })).toBe(true);
    expect(analysisStale(null, { onset: 1, apex: 2, offset: 3 })).toBe(false);
    expect(analysisStale({ onset: 3, apex: 5, offset: 9, source: 'spotting' }, { onset: 1, apex: 2, offset: 3 })).toBe(false);
  });
});
