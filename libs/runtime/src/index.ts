export * from './event-feed';
export * from './metrics';
export * from './process';
export * from './runtime';
export * from './terminal';
