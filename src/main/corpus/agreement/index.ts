export * from './types';
export * from './kappa';
export * from './krippendorff';
export * from './au-sets';
export * from './intervals';
export * from './report';
export * from './csv';
