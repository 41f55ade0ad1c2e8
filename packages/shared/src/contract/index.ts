export * from './errors';
export * from './primitives';
export * from './query';
export * from './request-id';
export * from './service';
export * from './streams';
export * from './validation';
