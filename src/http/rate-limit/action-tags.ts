/**
 * The action tags of collection routes, for `collection:tag` / `*:tag` rule labels. Tags are
 * PocketBase's (`list`, `view`, `create`, `update`, `delete`, `authWithPassword`, …), listed most
 * specific first. Every route that takes or mails out credentials also carries `auth`, so one
 * `*:auth` rule covers sign-in, OTP requests, refreshes and the email flows alike (PocketBase puts
 * `auth` on the auth-with-* routes only); requests carrying `auth` fail closed when the shared
 * counter store is down.
 */
export const AUTH_TAG = "auth";

const COLLECTION = "/api/collections/:collection";
const RECORDS = `${COLLECTION}/records`;

const ROUTE_TAGS: ReadonlyMap<string, readonly string[]> = new Map([
  [`GET ${RECORDS}`, ["list"]],
  [`GET ${RECORDS}/:id`, ["view"]],
  [`POST ${RECORDS}`, ["create"]],
  [`PATCH ${RECORDS}/:id`, ["update"]],
  [`DELETE ${RECORDS}/:id`, ["delete"]],
  [`GET ${COLLECTION}/auth-methods`, ["listAuthMethods"]],
  [`POST ${COLLECTION}/auth-refresh`, ["authRefresh", AUTH_TAG]],
  [`POST ${COLLECTION}/auth-with-password`, ["authWithPassword", AUTH_TAG]],
  [`POST ${COLLECTION}/auth-with-oauth2`, ["authWithOAuth2", AUTH_TAG]],
  [`POST ${COLLECTION}/request-otp`, ["requestOTP", AUTH_TAG]],
  [`POST ${COLLECTION}/auth-with-otp`, ["authWithOTP", AUTH_TAG]],
  [`POST ${COLLECTION}/request-password-reset`, ["requestPasswordReset", AUTH_TAG]],
  [`POST ${COLLECTION}/confirm-password-reset`, ["confirmPasswordReset", AUTH_TAG]],
  [`POST ${COLLECTION}/request-verification`, ["requestVerification", AUTH_TAG]],
  [`POST ${COLLECTION}/confirm-verification`, ["confirmVerification", AUTH_TAG]],
  [`POST ${COLLECTION}/request-email-change`, ["requestEmailChange", AUTH_TAG]],
  [`POST ${COLLECTION}/confirm-email-change`, ["confirmEmailChange", AUTH_TAG]],
  [`POST ${COLLECTION}/impersonate/:id`, ["impersonate", AUTH_TAG]],
]);

/** Tags of a matched route (`method` as sent; HEAD reads like GET), or none for other routes. */
export function routeTags(method: string, routePattern: string | undefined): readonly string[] {
  if (!routePattern) return [];
  const verb = method === "HEAD" ? "GET" : method;
  return ROUTE_TAGS.get(`${verb} ${routePattern}`) ?? [];
}

/**
 * Tags of a batch sub-request, which stands for a records route. An upsert (PUT) may create or
 * update: it counts as both, create first, so it cannot slip past a `*:create` limit.
 */
export function batchTags(method: string, hasId: boolean): readonly string[] {
  if (method === "POST" && !hasId) return ["create"];
  if (method === "PATCH" && hasId) return ["update"];
  if (method === "DELETE" && hasId) return ["delete"];
  if (method === "PUT" && !hasId) return ["create", "update"];
  return [];
}
