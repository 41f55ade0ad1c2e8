// The contract, domain rules, store, queues and HTTP pieces both apps share.
export * from './contract';
export * from './domain/autorestart';
export * from './config';
export * from './log';
export * from './store/database';
export * from './store/db-errors';
export * from './store/migrator';
export * from './store/streams.repository';
export * from './store/stream-mapper';
export * from './queues/redis';
export * from './http/errors';
export * from './http/health';
export * from './http/json-body';
export * from './http/request-id';
export * from './http/request-log';
export * from './http/routes';
export * from './http/shutdown';
