import { invalidRequest } from '../http/problem';

/** A page's cursor in id order: the last id on it, base64url, so that it reads as an opaque token. */
export function encodeIdCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!id || encodeIdCursor(id) !== cursor) {
    throw invalidRequest([{ field: 'cursor', message: 'is not a cursor from an earlier page' }]);
  }
  return id;
}
