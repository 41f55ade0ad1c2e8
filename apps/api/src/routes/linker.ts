import { Router } from 'express';
import { accountScope, linkerBody, parseBody, parseQuery, route } from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// The linker (spec 4.20): attach or detach up to 1000 streams, all or nothing.
export function linkerRouter({ groups }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/linker', {
    patch: async (req, res) => {
      const { account_id } = parseQuery(accountScope, req.query);
      await groups.link(parseBody(linkerBody, req.body), account_id);
      res.status(204).end();
    },
  });

  return router;
}
