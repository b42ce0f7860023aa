import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ProblemException } from '../http/problem';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '../runtime/runtime';

export interface Principal {
  readonly actor: string;
  readonly role: 'admin' | 'editor' | 'reader';
}

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Writes need `Authorization: Bearer <key>`. Until stored keys exist, the one
 * key is TIMELINE_BOOTSTRAP_ADMIN_KEY; without it, writes are open and
 * recorded as `anonymous` (the embedded default on a workstation).
 */
@Injectable()
export class WriteAccessGuard implements CanActivate {
  private readonly adminKeyHash?: Buffer;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    const key = runtime.config.bootstrapAdminKey;
    this.adminKeyHash = key ? sha256(key) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!this.adminKeyHash) {
      request.principal = { actor: 'anonymous', role: 'admin' };
      return true;
    }
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'unauthorized',
        'Authentication is required',
        'writes need an Authorization: Bearer <key> header',
        [{ field: 'Authorization', message: header ? 'must be "Bearer <key>"' : 'is missing' }],
      );
    }
    if (!timingSafeEqual(sha256(match[1]), this.adminKeyHash)) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'unauthorized',
        'Authentication is required',
        'the key is not known',
        [{ field: 'Authorization', message: 'the key is not known' }],
      );
    }
    request.principal = { actor: 'bootstrap-admin', role: 'admin' };
    return true;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
