import { z } from 'zod';
import { accountId, boundedString, groupName, page, pageSize, uuid } from './primitives';
import { query } from './query';

// Groups and the linker (spec 3.10, 4.14-4.20). Group names are unique per account.

export const groupDescription = boundedString(256);

export const createGroupBody = z.strictObject({
  account_id: accountId.describe('the account the group belongs to'),
  group_name: groupName.describe('the name of the group, unique within its account'),
  description: groupDescription.default('').describe('free text about the group'),
});
export type CreateGroupBody = z.infer<typeof createGroupBody>;

export const patchGroupBody = z.strictObject({ description: groupDescription.describe('the new description') });

export const groupFilters = z.object({
  account_id: query.one(accountId).optional(),
  group_ids: query.list(uuid).optional(),
  group_names: query.list(groupName).optional(),
});
export type GroupFilters = z.infer<typeof groupFilters>;

export const listGroupsQuery = groupFilters.extend({
  page: query.int(page).default(1),
  page_size: query.int(pageSize).default(10),
});
export type ListGroupsQuery = z.infer<typeof listGroupsQuery>;

export const LINKER_MAX_STREAMS = 1000;

export const linkerBody = z.strictObject({
  action: z.enum(['attach', 'detach']).describe('attach the streams to the group, or detach them from it'),
  stream_ids: z.array(uuid).max(LINKER_MAX_STREAMS).describe('the streams to attach or detach, up to 1000'),
  group_id: uuid.describe('the group'),
});
export type LinkerBody = z.infer<typeof linkerBody>;

/** The group object of spec 3.10, keys in the spec's order. */
export const groupObject = z.object({
  account_id: uuid.describe('the account the group belongs to'),
  group_name: z.string().describe('the name of the group, unique within its account'),
  group_id: uuid.describe('the id of the group'),
  description: z.string().describe('the description of the group'),
  create_time: z.iso.datetime().describe('when the group was created'),
});
export type GroupObject = z.infer<typeof groupObject>;

export const createdGroup = z.object({
  group_id: uuid.describe('the id of the new group'),
  group_name: z.string().describe('its name'),
});
