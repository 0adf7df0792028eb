export * from './types';
export * from './metrics';
export * from './classes';
export * from './bootstrap';
export * from './evaluate';
export { LABEL_RULE } from './labels';
export { evaluationCsv, EVALUATION_CSV_HEADER } from './report-csv';
