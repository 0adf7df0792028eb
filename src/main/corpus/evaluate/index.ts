export * from './types';
export * from './metrics';
export * from './classes';
export { bootstrapEstimates, quantileSorted, MAX_RESAMPLES, type BootstrapTask, type Interval95, type UnitCounts, type BootstrapOptions } from './bootstrap';
export * from './evaluate';
export { LABEL_RULE } from './labels';
export { evaluationCsv, EVALUATION_CSV_HEADER } from './report-csv';
export { evaluationHtml, type EvaluationHtmlOptions } from './report-html';
export { compareRuns, type RunComparison, type RunDifference } from './compare';
