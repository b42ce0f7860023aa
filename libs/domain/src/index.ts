export * from './shared/effective-time';
export * from './shared/envelope';
export * from './shared/errors';
export * from './commitments/commitment';
export * from './shared/revisions';
export * from './temporal/commitment-as-of';
export * from './temporal/commitment-segments';
