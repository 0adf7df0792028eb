export { LAYOUTS, FIELD_ALIASES, MEGC_SOURCE_NAMES, normalizeHeader, sourceDataset, type Dataset, type DatasetLayout, type SheetColumn } from './layouts';
export { planImport, eventIdentity, extraFor, type ClipProber, type ClipProbe, type ImportPlan } from './plan';
export { detectLayout } from './detect';
export { readSheet } from './sheet';
export { folderProber } from './folder-prober';
export { groupProblems, describeGroup, PROBLEM_KIND_TEXT } from './problem-groups';
