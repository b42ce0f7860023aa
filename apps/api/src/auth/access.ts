import { SetMetadata } from '@nestjs/common';
import type { KeyRole } from '@timeline/keys';

/**
 * What a route needs. Without this decorator a GET (or HEAD) needs `read` and
 * anything else `write`, so a new route is never open by mistake.
 *
 * - `public`: anyone (health checks);
 * - `read`: a reader, editor or admin key, or nobody when anonymous reads are on;
 * - `write`: an editor or admin key;
 * - `admin`: an admin key.
 */
export type Access = 'public' | 'read' | 'write' | 'admin';
export const ACCESS = 'timeline:access';
export const RequiresAccess = (access: Access) => SetMetadata(ACCESS, access);

/** The least role each access needs. */
export const LEAST_ROLE: Record<Exclude<Access, 'public'>, KeyRole> = { read: 'reader', write: 'editor', admin: 'admin' };
const RANK: Record<KeyRole, number> = { reader: 0, editor: 1, admin: 2 };
export const roleAllows = (role: KeyRole, access: Exclude<Access, 'public'>) => RANK[role] >= RANK[LEAST_ROLE[access]];
