import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { ProblemException } from '../http/problem';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '@timeline/runtime';
import { Access, ACCESS, LEAST_ROLE, roleAllows } from './access';
import { ApiKeyStore, Principal } from '@timeline/keys';

export type AuthenticatedRequest = Request & { principal?: Principal };

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Every route passes here: the key from `Authorization: Bearer <key>` names
 * the principal (whose owner becomes the actor of what they write) and its
 * role decides what it may do. 401 without a valid key, 403 for a role too low.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly bootstrapKeyHash?: Buffer;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly keys: ApiKeyStore,
    private readonly reflector: Reflector,
  ) {
    const key = runtime.config.bootstrapAdminKey;
    this.bootstrapKeyHash = key ? sha256(key) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const access = this.accessFor(context, request.method);
    if (access === 'public') return true;
    try {
      request.principal = await this.principalFor(request, access);
      return true;
    } catch (error) {
      if (error instanceof ProblemException && (error.getStatus() as HttpStatus) === HttpStatus.UNAUTHORIZED) {
        context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="negotiation-timeline"');
      }
      throw error;
    }
  }

  private async principalFor(request: AuthenticatedRequest, access: Exclude<Access, 'public'>): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined) {
      if (access === 'read' && this.runtime.config.anonymousReads) return { actor: 'anonymous', role: 'reader' };
      throw unauthorized(
        `this needs an Authorization: Bearer <key> header with a key of role ${LEAST_ROLE[access]} or higher`,
        'is missing',
      );
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthorized('the Authorization header must be "Bearer <key>"', 'must be "Bearer <key>"');
    const principal = await this.authenticate(token);
    if (!principal) throw unauthorized('the key is not known or has been revoked', 'the key is not known or has been revoked');
    if (!roleAllows(principal.role, access)) {
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Not allowed',
        `a key of role ${principal.role} may not do this; it needs role ${LEAST_ROLE[access]} or higher`,
        [{ field: 'Authorization', message: `role ${principal.role} is not enough; needs ${LEAST_ROLE[access]}` }],
      );
    }
    return principal;
  }

  private accessFor(context: ExecutionContext, method: string): Access {
    const declared = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
    return declared ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write');
  }

  private async authenticate(token: string): Promise<Principal | undefined> {
    if (this.bootstrapKeyHash && timingSafeEqual(sha256(token), this.bootstrapKeyHash)) {
      return { actor: 'bootstrap-admin', role: 'admin' };
    }
    return this.keys.authenticate(token);
  }
}

function unauthorized(detail: string, message: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Authentication is required', detail, [
    { field: 'Authorization', message },
  ]);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
