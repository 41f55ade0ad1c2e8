import { Router } from 'express';
import {
  accountScope,
  createGroupBody,
  groupFilters,
  listGroupsQuery,
  parseBody,
  parseQuery,
  patchGroupBody,
  pathId,
  route,
} from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// Groups (spec 4.14-4.19). /1/groups/count is registered before /:group_id.
export function groupsRouter({ groups }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/groups', {
    post: async (req, res) => {
      res.status(201).json(await groups.create(parseBody(createGroupBody, req.body)));
    },
    get: async (req, res) => {
      const query = parseQuery(listGroupsQuery, req.query);
      res.json(await groups.list(query, query));
    },
  });

  route(router, '/1/groups/count', {
    get: async (req, res) => {
      res.json({ groups_count: await groups.count(parseQuery(groupFilters, req.query)) });
    },
  });

  route(router, '/1/groups/:group_id', {
    get: async (req, res) => {
      const groupId = pathId(req, 'group_id');
      const { account_id } = parseQuery(accountScope, req.query);
      res.json(await groups.get(groupId, account_id));
    },
    patch: async (req, res) => {
      const groupId = pathId(req, 'group_id');
      const { account_id } = parseQuery(accountScope, req.query);
      await groups.update(groupId, account_id, parseBody(patchGroupBody, req.body).description);
      res.status(204).end();
    },
    delete: async (req, res) => {
      const groupId = pathId(req, 'group_id');
      const { account_id } = parseQuery(accountScope, req.query);
      await groups.remove(groupId, account_id);
      res.status(204).end();
    },
  });

  return router;
}
