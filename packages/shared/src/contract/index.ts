export * from './errors';
export * from './logs';
export * from './primitives';
export * from './query';
export * from './request-id';
export * from './service';
export * from './streams';
export * from './validation';
