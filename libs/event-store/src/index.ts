export * from './database';
export * from './event-store';
export * from './migrate';
export * from './postgres-event-store';
export * from './bulk-append';
