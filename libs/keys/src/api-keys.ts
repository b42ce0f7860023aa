import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';

export type KeyRole = 'reader' | 'editor' | 'admin';
export const KEY_ROLES: readonly KeyRole[] = ['reader', 'editor', 'admin'];

/** Who is asking: the actor recorded on every event they write, and what they may do. */
export interface Principal {
  readonly actor: string;
  readonly role: KeyRole;
  /** The stored key's id; absent for the bootstrap key and for anonymous readers. */
  readonly keyId?: string;
}

/** A key as listed: never its secret, never its hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly owner: string;
  readonly role: KeyRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The whole key, `ntk_<id>_<secret>`: shown once, stored nowhere. */
  readonly key: string;
}

/**
 * `ntk_` + 16 hex digits of id + `_` + 43 base64url characters (256 random bits).
 * The prefix makes a leaked key easy to recognise (and to grep for).
 */
const KEY_FORMAT = /^ntk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Owners are people or systems; the names the service itself writes under are reserved. */
export const OWNER_FORMAT = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,99}$/u;
export const RESERVED_OWNERS = ['anonymous', 'bootstrap-admin'];
export function ownerProblem(owner: string): string | undefined {
  if (!OWNER_FORMAT.test(owner)) {
    return 'must be 1 to 100 letters, digits, spaces or . _ @ + -, starting with a letter or digit';
  }
  if (RESERVED_OWNERS.includes(owner.toLowerCase())) return `"${owner}" is reserved for the service itself`;
  return undefined;
}

export function parseKey(token: string): { id: string; secret: string } | undefined {
  const match = KEY_FORMAT.exec(token);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

/**
 * The secrets are 256 random bits, so a fast hash is enough: there is no
 * dictionary to try. The id salts it, so equal secrets never hash alike.
 */
export function hashSecret(id: string, secret: string): Buffer {
  return createHash('sha256').update(`ntk:${id}:${secret}`).digest();
}

/** Only every minute, so that reads do not turn into a write each. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyRow {
  id: string;
  owner: string;
  role: KeyRole;
  secret_hash: Buffer;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const toRecord = (row: KeyRow): ApiKeyRecord => ({
  id: row.id,
  owner: row.owner,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  revokedBy: row.revoked_by,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
});

/**
 * Keys in the `api_keys` table. Every request looks its key up here (one
 * primary-key read), with no cache: a revoked key stops working at once, in
 * every process.
 */
export class ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(input: { owner: string; role: KeyRole; createdBy: string }): Promise<CreatedApiKey> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<KeyRow>(
      `INSERT INTO api_keys (id, owner, role, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, input.owner, input.role, hashSecret(id, secret), input.createdBy],
    );
    return { ...toRecord(rows[0]), key: `ntk_${id}_${secret}` };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map(toRecord);
  }

  async countActive(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) FROM api_keys WHERE revoked_at IS NULL');
    return Number(rows[0].count);
  }

  /** Revokes a key; revoking it again changes nothing. Undefined when there is no such key. */
  async revoke(id: string, revokedBy: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2)
        WHERE id = $1 RETURNING *`,
      [id, revokedBy],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The principal behind a key, or undefined when the key is malformed, unknown, wrong or revoked. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseKey(token);
    if (!parsed) return undefined;
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [parsed.id]);
    const row = rows[0];
    if (!row || row.revoked_at || !timingSafeEqual(hashSecret(parsed.id, parsed.secret), row.secret_hash)) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
    }
    return { actor: row.owner, role: row.role, keyId: row.id };
  }
}
