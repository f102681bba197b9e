import { EventEmitter } from "node:events";
import type { Collection } from "../collections/model.js";
import type { RequestContext } from "../records/request-context.js";

export type AuthMethod = "password" | "otp" | "oauth2" | "impersonate" | "refresh";

export interface LoginEvent {
  collection: Collection;
  record: Record<string, unknown> & { id: string };
  method: AuthMethod;
  ctx: RequestContext;
}

interface AuthEventMap {
  login: [LoginEvent];
}

/**
 * In-process notifications about auth (a sign-in happened). Listeners such as login alerts run
 * after the response is decided and must not throw into the request.
 */
export class AuthEvents extends EventEmitter<AuthEventMap> {}
