/** For API tests: one user per role, each logged in; their session tokens. */
import { ROLES, type Role } from '../../common/permissions.js';
import type { Ctx } from '../context.js';
import { addUser } from '../users.js';
import type { CustodianApi } from './api.js';

export async function loginEveryRole(ctx: Ctx, api: CustodianApi, password: string): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await addUser(ctx, { name: role, role, password });
    const r = await api.call(undefined, 'auth.login', { name: role, password });
    if (!r.result.ok || !r.session || !('set' in r.session)) throw new Error(`${role} could not log in`);
    tokens[role] = r.session.set;
  }
  return tokens;
}
