export * from './command-writer';
export * from './recent-streams';
export * from './write-errors';
