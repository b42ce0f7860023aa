export * from './cloudevents';
export * from './kafka';
export * from './relay';
export * from './wake-up';
