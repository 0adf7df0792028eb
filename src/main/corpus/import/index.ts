export { commitImport, previewImport, type ClipHasher, type ImportDeps } from './commit';
export { LAYOUTS, type Dataset, type DatasetLayout } from './layouts';
export { planImport, type ClipProber, type ClipProbe } from './plan';
export { readSheet } from './sheet';
export { folderProber } from './folder-prober';
