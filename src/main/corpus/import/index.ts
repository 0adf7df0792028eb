export { LAYOUTS, type Dataset, type DatasetLayout } from './layouts';
export { planImport, type ClipProber, type ClipProbe, type ImportPlan } from './plan';
export { readSheet } from './sheet';
export { folderProber } from './folder-prober';
