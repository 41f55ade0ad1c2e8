// The prose of the OpenAPI document that belongs to no single schema: what each tag groups,
// what each operation does beyond its summary, and what each query parameter means. Field
// descriptions live on the zod schemas themselves. A test fails when an operation, a tag or
// a parameter of the document has none, so a new operation brings its own words here (or
// in its Operation entry).

export const TAG_DESCRIPTIONS: Record<string, string> = {
  streams: 'Video streams: the sources users register for processing, with their settings and current status.',
  queue: 'The processing queue of pending streams, from which agents take work, and the feedback agents send back.',
  logs: 'The status log of every stream, as pages or as a live feed of Server-Sent Events.',
  groups: 'Named groups of streams within an account, and the linker that attaches streams to them.',
  webhooks: "Signed POSTs of an account's stream log rows to a URL, with their deliveries and retries.",
  service: 'Version, health, configuration and metrics of the running service.',
  docs: 'This document and the development manual.',
};

export const OPERATION_DESCRIPTIONS: Record<string, string> = {
  getVersion: 'Returns the version of the API this service implements.',
  getHealth:
    'Answers 200 while PostgreSQL answers. Trouble with Redis, the background jobs or the queue mirror does not ' +
    'fail the check: it is listed under `degraded`. When PostgreSQL does not answer, 502 lists the failing components. ' +
    'Also served on the management port (MANAGEMENT_PORT, WORKER_MANAGEMENT_PORT), where load balancers and probes ' +
    'should ask: there it never waits behind a burst of new connections to the traffic port.',
  getConfig:
    'Returns the settings in force, with passwords and tokens masked. When the service runs with ADMIN_TOKEN, the ' +
    'token must be presented as a bearer token.',
  getMetrics:
    'Prometheus metrics of this process (requests, queue, streams by status, jobs). When the service runs with ' +
    'ADMIN_TOKEN, the token must be presented as a bearer token.',
  getOpenApi:
    'Returns this document: as YAML when the Accept header asks for application/x-yaml, as a rendered page when it ' +
    'asks for text/html. Any other Accept header is answered 415.',
  getDevManual: 'Redirects to the first page of the development manual, /docs/dev/index.html.',
  createStream:
    'Creates a stream with version 1. Every setting left out takes its default, so the stored stream is always ' +
    'complete. A stream created as pending joins the end of the processing queue; with `group_name` it is also ' +
    'attached to that group, which must exist in the same account.',
  getStreams: 'Lists the streams that match every given filter, oldest first, one page at a time.',
  deleteStreams:
    'Deletes every stream whose id is in `stream_ids` or whose name is in `names`, within `account_id` when given. ' +
    'Ids and names that match nothing are ignored; the logs of deleted streams stay.',
  countStreams: 'Counts the streams that match every given filter.',
  getStreamsLogs:
    'Lists status log records, oldest first, one page at a time. Every status a stream passes through is logged, ' +
    'transient ones (restart, handler_lost) included. `targets` picks the fields of each record.',
  followStreamsEvents:
    'Follows the status log live as Server-Sent Events. The filters match as on GET /1/streams/logs; a client that ' +
    'reconnects with Last-Event-ID receives every matching record after that one, none missed, none repeated.',
  getStreamsQueue:
    'Shows the pending streams in the order agents will take them, without taking any. At most 1000 streams are ' +
    'returned, whatever `limit` asks.',
  takeStreamsFromQueue:
    'Takes up to `limit` of the oldest pending streams that match the filters and returns them as in_progress. ' +
    'Two callers never receive the same stream. Each stream returned must then be kept alive with feedback more ' +
    'often than STREAM_STATUS_OBSOLETING_PERIOD, or it is taken away (handler_lost) and queued again with a ' +
    'higher version. At most 1000 streams are returned.',
  postStreamsFeedback:
    'Reports on many streams in one request: `in_progress` keeps a stream alive, `done` and `failure` finish it. ' +
    'An item counts only while the stream is in_progress with the version the agent was given; the answer tells, ' +
    'per stream, the status and version the service holds now, and an agent stops every stream whose answer is not ' +
    'in_progress with its own version. The batch is validated whole before anything is applied. The worker serves ' +
    'this operation too, and agents at scale should post there.',
  getStream: 'Returns one stream with every setting filled in, its status, version and last error.',
  updateStream:
    'Changes the description or the status of a stream. `pending` queues it again, `pause` and `cancel` stop it. ' +
    'Taking a running or finished stream away from its result raises its version, so its agent stops at its next ' +
    'feedback. Setting the status a stream already has changes nothing.',
  putStream:
    'Replaces every setting of a stream; its id, account and creation time stay. The version always rises by one, ' +
    'so an agent still running the old settings stops at its next feedback. The stream passes through `restart` ' +
    'and lands in the status of the body.',
  removeStream: 'Deletes one stream. Its log records stay.',
  createGroup: 'Creates a group. Group names are unique within an account.',
  getGroups: 'Lists the groups that match every given filter, oldest first, one page at a time.',
  countGroups: 'Counts the groups that match every given filter.',
  getGroup: 'Returns one group.',
  updateGroup: 'Changes the description of a group.',
  removeGroup: 'Deletes a group and its links; the streams themselves stay.',
  linkStreams:
    'Attaches streams to a group, or detaches them from it. Either every stream is changed or, when one of them ' +
    'does not exist in the account, none is.',
};

/** Query parameters by name: a name means the same on every operation that takes it. */
export const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  account_id: 'Only objects of this account. An object of another account is treated as if it did not exist.',
  stream_ids: 'Only the streams with these ids (comma-separated).',
  names: 'Only the streams with these names (comma-separated).',
  reference: 'Only the streams whose source reference is exactly this.',
  statuses: 'Only the streams (or records) with these statuses (comma-separated).',
  create_time__gte: 'Only the streams created at or after this time (RFC 3339).',
  create_time__lt: 'Only the streams created before this time (RFC 3339).',
  group_name: 'Only the streams attached to the group of this name.',
  page: 'The page to return, counted from 1.',
  page_size: 'How many items a page holds.',
  targets: 'The fields each log record carries (comma-separated); all six when absent.',
  log_time__gte: 'Only the records written at or after this time (RFC 3339).',
  log_time__lt: 'Only the records written before this time (RFC 3339).',
  last_event_id: 'Resume after the record with this seq; the Last-Event-ID header wins when both are given.',
  limit: 'How many streams to return at most (never more than 1000).',
  group_ids: 'Only the groups with these ids (comma-separated).',
  group_names: 'Only the groups with these names (comma-separated).',
  states: 'Only the deliveries in these states (comma-separated).',
  version:
    'Change the stream only while its version is this one; once it is not, 409 39015 and nothing changes. An agent ' +
    "handing back the stream it took passes that take's version, so it never takes the stream from a later agent. " +
    'The version changes when a stream is replaced, taken from its agent or queued again after a run, not on every ' +
    'change (a description, a pause of a pending stream): it fences agents, it is not an ETag.',
};

/** Path parameters by name. */
export const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  stream_id: 'The id of the stream, as create stream returned it.',
  group_id: 'The id of the group, as create group returned it.',
  webhook_id: 'The id of the webhook, as create webhook returned it.',
  delivery_id: 'The id of the delivery, as the deliveries list shows it.',
};
