import type { ComponentType } from 'react';
import { AnnotateView } from './AnnotateView';
import { CorpusView } from './CorpusView';
import { HomeView } from './HomeView';
import { SettingsView } from './SettingsView';
import { ReviewView } from './ReviewView';
import { AgreementView } from './AgreementView';
import { ExportView } from './ExportView';
import { EvaluationView } from './EvaluationView';

/** The app's views, in navigation order; each later stage adds its view here. */
export interface ViewEntry {
  readonly id: string;
  /** i18n key of the navigation label. */
  readonly label: string;
  readonly component: ComponentType;
}

export const DEFAULT_VIEW = 'home';

export const VIEWS: readonly ViewEntry[] = [
  { id: 'home', label: 'nav.home', component: HomeView },
  { id: 'corpus', label: 'nav.corpus', component: CorpusView },
  { id: 'annotate', label: 'nav.annotate', component: AnnotateView },
  { id: 'review', label: 'nav.review', component: ReviewView },
  { id: 'agreement', label: 'nav.agreement', component: AgreementView },
  { id: 'evaluation', label: 'nav.evaluation', component: EvaluationView },
  { id: 'export', label: 'nav.export', component: ExportView },
  { id: 'settings', label: 'nav.settings', component: SettingsView },
];
