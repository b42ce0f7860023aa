export * from './generations';
export * from './project-events';
export * from './projector';
export * from './read-model';
export * from './read-model-schema';
export * from './rebuild';
export * from './staleness';
