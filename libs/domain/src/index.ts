export * from './shared/effective-time';
export * from './shared/envelope';
export * from './shared/errors';
export * from './commitments/commitment';
