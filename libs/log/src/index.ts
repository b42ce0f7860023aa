export * from './cloudevents';
export * from './dead-letters';
export * from './failpoints';
export * from './kafka';
export * from './relay';
export * from './wake-up';
export * from './consumer-groups';
