import { z } from 'zod';
import type { ErrorKind } from './errors';
import { feedbackBody, feedbackResponse } from './feedback';
import {
  createdGroup,
  createGroupBody,
  groupFilters,
  groupObject,
  linkerBody,
  listGroupsQuery,
  patchGroupBody,
} from './groups';
import { EVENT_STREAM_DESCRIPTION, eventsQuery, statusEvent } from './events';
import { logRecord, logsQuery } from './logs';
import { peekQueueQuery, takeQueueBody } from './queue';
import { healthFailure, healthResponse, versionResponse } from './service';
import {
  accountScope,
  createdStream,
  deleteStreamsBody,
  listStreamsQuery,
  patchStreamBody,
  streamFilters,
  streamInput,
  streamObject,
} from './streams';

// The API table as data: every operation with its parameters, body, answers and errors.
// The OpenAPI document is built from it, and a test checks it against the routes the
// apps register, so the document cannot drift from the service.

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: 'streams' | 'queue' | 'logs' | 'groups' | 'service' | 'docs';
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * `contentType`: text media types the answer may take (with `schema`, besides JSON); text/event-stream alone
   * means a live feed whose `status` events carry `schema`.
   */
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string | string[] };
  errors: ErrorKind[];
  /** Served by the worker as well (agents at scale post feedback there). */
  alsoOnWorker?: boolean;
  /** Guarded by ADMIN_TOKEN when the service runs with one (a bearer token; 401 otherwise). */
  admin?: boolean;
  /** What the operation does, beyond its summary (or OPERATION_DESCRIPTIONS in openapi-docs.ts). */
  description?: string;
}

const BODY: ErrorKind[] = ['NO_JSON', 'BAD_JSON', 'BODY_TOO_LARGE', 'BAD_CONTENT_TYPE'];
// Whatever reaches the database: it may be down (2) or every connection busy (3).
const DATABASE: ErrorKind[] = ['SERVICE_UNAVAILABLE', 'OVERLOADED'];
const COMMON: ErrorKind[] = ['BAD_QUERY', ...DATABASE];

export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/version',
    operationId: 'getVersion',
    summary: 'get version',
    tag: 'service',
    success: { status: 200, description: 'service version', schema: versionResponse },
    errors: ['BAD_QUERY'],
  },
  {
    method: 'get',
    path: '/healthcheck',
    operationId: 'getHealth',
    summary: 'get health',
    tag: 'service',
    success: {
      status: 200,
      description:
        'PostgreSQL answers (Redis, background jobs or mirror trouble listed as degraded); 502 with the failing components otherwise',
      schema: healthResponse,
    },
    errors: ['BAD_QUERY'],
    alsoOnWorker: true,
  },
  {
    method: 'get',
    path: '/1/config',
    operationId: 'getConfig',
    summary: 'get service configuration',
    tag: 'service',
    success: {
      status: 200,
      description: 'the settings in force, passwords masked; as `NAME=value` lines for Accept: text/plain',
      schema: z.record(z.string(), z.unknown()),
      contentType: 'text/plain',
    },
    errors: ['BAD_QUERY', 'UNSUPPORTED_MEDIA_TYPE'],
    admin: true,
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'get metrics',
    tag: 'service',
    success: { status: 200, description: 'Prometheus text exposition format', contentType: 'text/plain' },
    errors: ['BAD_QUERY'],
    alsoOnWorker: true,
    admin: true,
  },
  {
    method: 'get',
    path: '/docs/spec',
    operationId: 'getOpenApi',
    summary: 'get openapi documentation',
    tag: 'docs',
    success: {
      status: 200,
      description: 'YAML for Accept: application/x-yaml, an HTML page for text/html',
      contentType: ['application/x-yaml', 'text/html'],
    },
    errors: ['UNSUPPORTED_MEDIA_TYPE'],
  },
  {
    method: 'get',
    path: '/docs/dev',
    operationId: 'getDevManual',
    summary: 'get development manual',
    tag: 'docs',
    success: {
      status: 302,
      description: 'redirect to /docs/dev/index.html, with a line of text (or HTML) saying so',
      contentType: ['text/plain', 'text/html'],
    },
    errors: [],
  },

  {
    method: 'post',
    path: '/1/streams',
    operationId: 'createStream',
    summary: 'create stream',
    tag: 'streams',
    body: streamInput,
    success: { status: 201, description: 'stream created', schema: createdStream },
    errors: [...BODY, 'GROUP_NAME_NOT_FOUND', ...DATABASE],
  },
  {
    method: 'get',
    path: '/1/streams',
    operationId: 'getStreams',
    summary: 'get streams',
    tag: 'streams',
    query: listStreamsQuery,
    success: {
      status: 200,
      description: 'streams, oldest first',
      schema: z.object({ streams: z.array(streamObject).describe('one page of streams') }),
    },
    errors: COMMON,
  },
  {
    method: 'delete',
    path: '/1/streams',
    operationId: 'deleteStreams',
    summary: 'delete streams (ids OR names)',
    tag: 'streams',
    query: accountScope,
    body: deleteStreamsBody,
    success: { status: 204, description: 'deleted' },
    errors: [...BODY, ...COMMON],
  },
  {
    method: 'get',
    path: '/1/streams/count',
    operationId: 'countStreams',
    summary: 'count streams',
    tag: 'streams',
    query: streamFilters,
    success: {
      status: 200,
      description: 'how many streams match',
      schema: z.object({ streams_count: z.int().describe('the number of matching streams') }),
    },
    errors: COMMON,
  },
  {
    method: 'get',
    path: '/1/streams/logs',
    operationId: 'getStreamsLogs',
    summary: 'get streams logs',
    tag: 'logs',
    query: logsQuery,
    success: {
      status: 200,
      description: 'log records restricted to targets, oldest first',
      schema: z.object({
        logs: z.array(logRecord.partial()).describe('one page of log records, with the fields of targets'),
      }),
    },
    errors: COMMON,
  },
  {
    method: 'get',
    path: '/1/streams/events',
    operationId: 'followStreamsEvents',
    summary: 'follow stream status changes live',
    tag: 'logs',
    query: eventsQuery,
    success: {
      status: 200,
      description: EVENT_STREAM_DESCRIPTION,
      schema: statusEvent,
      contentType: 'text/event-stream',
    },
    errors: [...COMMON, 'OVERLOADED'],
  },
  {
    method: 'get',
    path: '/1/streams/processing/queue',
    operationId: 'getStreamsQueue',
    summary: 'check the streams processing queue',
    tag: 'queue',
    query: peekQueueQuery,
    success: {
      status: 200,
      description: 'pending streams in queue order (at most 1000)',
      schema: z.object({ streams: z.array(streamObject).describe('the pending streams, next to be taken first') }),
    },
    errors: [...COMMON, 'REQUIRED_QUERY'],
  },
  {
    method: 'post',
    path: '/1/streams/processing/queue',
    operationId: 'takeStreamsFromQueue',
    summary: 'get some streams from the queue',
    tag: 'queue',
    body: takeQueueBody,
    success: {
      status: 200,
      description: 'the streams taken, now in_progress (at most 1000)',
      schema: z.object({
        streams: z.array(streamObject).describe('the streams taken; an empty list when there is no work'),
      }),
    },
    errors: [...BODY, ...DATABASE],
  },
  {
    method: 'post',
    path: '/1/streams/feedback',
    operationId: 'postStreamsFeedback',
    summary: 'post feedback on streams',
    tag: 'queue',
    body: feedbackBody,
    success: {
      status: 200,
      description: 'per stream, the status and version the service holds now',
      schema: feedbackResponse,
    },
    errors: [...BODY, ...DATABASE],
    alsoOnWorker: true,
  },
  {
    method: 'get',
    path: '/1/streams/{stream_id}',
    operationId: 'getStream',
    summary: 'get stream',
    tag: 'streams',
    query: accountScope,
    success: { status: 200, description: 'the stream', schema: streamObject },
    errors: [...COMMON, 'STREAM_NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/1/streams/{stream_id}',
    operationId: 'updateStream',
    summary: 'update stream',
    tag: 'streams',
    query: accountScope,
    body: patchStreamBody,
    success: { status: 204, description: 'updated' },
    errors: [...BODY, ...COMMON, 'STREAM_NOT_FOUND', 'CANNOT_STOP', 'CANNOT_CANCEL'],
  },
  {
    method: 'put',
    path: '/1/streams/{stream_id}',
    operationId: 'putStream',
    summary: 'put stream',
    tag: 'streams',
    body: streamInput,
    success: { status: 200, description: 'replaced; version + 1', schema: createdStream },
    errors: [...BODY, 'BAD_QUERY', ...DATABASE, 'STREAM_NOT_FOUND', 'GROUP_NAME_NOT_FOUND'],
  },
  {
    method: 'delete',
    path: '/1/streams/{stream_id}',
    operationId: 'removeStream',
    summary: 'remove stream',
    tag: 'streams',
    query: accountScope,
    success: { status: 204, description: 'removed; its logs stay' },
    errors: [...COMMON, 'STREAM_NOT_FOUND'],
  },

  {
    method: 'post',
    path: '/1/groups',
    operationId: 'createGroup',
    summary: 'create group',
    tag: 'groups',
    body: createGroupBody,
    success: { status: 201, description: 'group created', schema: createdGroup },
    errors: [...BODY, 'GROUP_EXISTS', ...DATABASE],
  },
  {
    method: 'get',
    path: '/1/groups',
    operationId: 'getGroups',
    summary: 'get groups',
    tag: 'groups',
    query: listGroupsQuery,
    success: { status: 200, description: 'groups, oldest first (a bare array)', schema: z.array(groupObject) },
    errors: COMMON,
  },
  {
    method: 'get',
    path: '/1/groups/count',
    operationId: 'countGroups',
    summary: 'get group count',
    tag: 'groups',
    query: groupFilters,
    success: {
      status: 200,
      description: 'how many groups match',
      schema: z.object({ groups_count: z.int().describe('the number of matching groups') }),
    },
    errors: COMMON,
  },
  {
    method: 'get',
    path: '/1/groups/{group_id}',
    operationId: 'getGroup',
    summary: 'get group',
    tag: 'groups',
    query: accountScope,
    success: { status: 200, description: 'the group', schema: groupObject },
    errors: [...COMMON, 'GROUP_NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/1/groups/{group_id}',
    operationId: 'updateGroup',
    summary: 'update group',
    tag: 'groups',
    query: accountScope,
    body: patchGroupBody,
    success: { status: 204, description: 'updated' },
    errors: [...BODY, ...COMMON, 'GROUP_NOT_FOUND'],
  },
  {
    method: 'delete',
    path: '/1/groups/{group_id}',
    operationId: 'removeGroup',
    summary: 'remove group',
    tag: 'groups',
    query: accountScope,
    success: { status: 204, description: 'removed with its links; streams stay' },
    errors: [...COMMON, 'GROUP_NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/1/linker',
    operationId: 'linkStreams',
    summary: 'attach (or detach) streams to a group',
    tag: 'groups',
    query: accountScope,
    body: linkerBody,
    success: { status: 204, description: 'linked or unlinked, all or nothing' },
    errors: [...BODY, ...COMMON, 'GROUP_NOT_FOUND', 'STREAM_NOT_FOUND'],
  },
];

export { healthFailure };
