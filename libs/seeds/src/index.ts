export * from './seed-file';
