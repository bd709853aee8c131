import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '../../../../libs/contracts/src';
import { UserEntity } from '../../../../libs/persistence/src';
import { forbidden, unauthenticated } from '../common/errors';
import type { Principal } from './auth.types';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { TokenService } from './token.service';

/**
 * The one global guard: authenticates the bearer token against an active user and checks
 * the handler's @Roles. Ownership (a rep acting on its own lead) is checked by
 * `assertCanActOnLead` in the same folder, called by services, never re-implemented.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.getType<string>() === 'graphql' ? GqlExecutionContext.create(ctx).getContext().req : ctx.switchToHttp().getRequest();
    const principal = await this.authenticate(req ?? {});
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) throw forbidden('This operation is not open to any role');
    if (!roles.includes(principal.role)) throw forbidden(`Role ${principal.role} may not perform this operation (allowed: ${roles.join(', ')})`);
    return true;
  }

  private async authenticate(req: { headers?: { authorization?: unknown } }): Promise<Principal> {
    const header = req.headers?.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw unauthenticated();
    const claims = this.tokens.claimsOf(req);
    if (!claims) throw unauthenticated('Invalid or expired token');
    const user = await this.db.getRepository(UserEntity).findOne({ where: { id: claims.sub }, select: { id: true, role: true, active: true, name: true } }).catch(() => null);
    if (!user || !user.active) throw unauthenticated('The token\'s user does not exist or is deactivated');
    // The role of record wins over a stale token: demoting a user takes effect at once.
    return { userId: user.id, role: user.role, name: user.name };
  }
}
