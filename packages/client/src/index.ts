// @luna-streams/client: a typed client for every operation of the Luna-Streams API, and a kit
// for writing agents that take streams from its queue.
export { createLunaClient, type LunaClient, type LunaClientOptions, type Paths } from './client.js';
export { LunaError, type LunaErrorBody } from './errors.js';
export type { RetryOptions } from './retry.js';
export type { components, operations, paths } from './generated/openapi.js';
export { createAgent } from './agent/agent.js';
export {
  StreamFailure,
  type Agent,
  type AgentEvent,
  type AgentOptions,
  type AgentStop,
  type AgentSummary,
  type Handler,
  type ServiceHolds,
  type Stream,
  type TakeFilters,
  type VideoInfo,
  type Work,
} from './agent/types.js';
