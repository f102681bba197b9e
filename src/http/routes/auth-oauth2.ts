import type { FastifyInstance } from "fastify";
import { completeAuth } from "../../auth/complete-auth.js";
import { linkAccount } from "../../auth/oauth2/link-account.js";
import { OAuth2Failure } from "../../auth/oauth2/oauth2-failure.js";
import { oauth2Options, type ProviderConfig } from "../../auth/oauth2/oauth2-options.js";
import { isCodeVerifier } from "../../auth/oauth2/pkce.js";
import type { OAuth2User } from "../../auth/oauth2/provider-user.js";
import { usesPkce } from "../../auth/oauth2/resolve-provider.js";
import { providerUserForCode } from "../../auth/oauth2/sign-in-user.js";
import type { Collection } from "../../collections/model.js";
import { ApiError, badRequest, type IssueMap, issue } from "../../errors/api-error.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

interface OAuth2Request {
  provider: ProviderConfig;
  code: string;
  codeVerifier: string;
  redirectURL: string;
  createData: Record<string, unknown>;
}

const MAX_CODE = 4096;
const MAX_URL = 2048;
const required = () => issue("validation_required", "Missing required value.");
const str = (v: unknown) => (typeof v === "string" ? v : "");

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** Validates the body the way PocketBase's form does (400 with field issues). */
function readRequest(c: Collection, body: Record<string, unknown>): OAuth2Request {
  const issues: IssueMap = {};
  const name = str(body.provider);
  const provider = oauth2Options(c).providers.find((p) => p.name === name);
  if (name === "") issues.provider = required();
  else if (!provider)
    issues.provider = issue(
      "validation_invalid_provider",
      `Provider with name "${name.slice(0, 100)}" is missing or is not enabled.`,
      { name: name.slice(0, 100) },
    );
  const code = str(body.code);
  if (code === "") issues.code = required();
  else if (code.length > MAX_CODE)
    issues.code = issue("validation_length_too_long", "The value is too long.");
  // `redirectUrl` is PocketBase's pre-0.23 spelling, still accepted there.
  const redirectURL = str(body.redirectURL) || str(body.redirectUrl);
  if (redirectURL === "") issues.redirectURL = required();
  else if (redirectURL.length > MAX_URL || !isHttpUrl(redirectURL))
    issues.redirectURL = issue("validation_invalid_url", "Must be a valid http(s) URL.");
  const codeVerifier = str(body.codeVerifier);
  if (provider && usesPkce(provider)) {
    if (codeVerifier === "") issues.codeVerifier = required();
    else if (!isCodeVerifier(codeVerifier))
      issues.codeVerifier = issue("validation_invalid_code_verifier", "Invalid PKCE code verifier.");
  }
  const createData = body.createData ?? {};
  if (typeof createData !== "object" || Array.isArray(createData))
    issues.createData = issue("validation_invalid_object", "Must be an object.");
  if (Object.keys(issues).length > 0 || !provider)
    throw badRequest("An error occurred while loading the submitted data.", issues);
  return { provider, code, codeVerifier, redirectURL, createData: createData as Record<string, unknown> };
}

/** The `meta` of the auth response, in PocketBase's shape (the email only when verified). */
function authMeta(user: OAuth2User, isNew: boolean): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    username: user.username,
    email: user.emailVerified ? user.email : "",
    avatarURL: user.avatarURL,
    accessToken: user.accessToken,
    refreshToken: user.refreshToken,
    expiry: user.expiry,
    rawUser: user.rawUser,
    isNew,
  };
}

/** POST /api/collections/{c}/auth-with-oauth2: sign in (or up, or link) with a provider's code. */
export function authOAuth2Routes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/auth-with-oauth2", async (req) => {
    const c = authCollection(services, req.params.collection);
    if (!oauth2Options(c).enabled)
      throw new ApiError(403, "The collection is not configured to allow OAuth2 authentication.");
    const body = await requestBody(req);
    const input = readRequest(c, body);
    const ctx = { ...(await contextOf(req, services)), context: "oauth2" };

    let user: OAuth2User;
    try {
      user = await providerUserForCode(input.provider, input.code, input.redirectURL, input.codeVerifier);
    } catch (err) {
      if (!(err instanceof OAuth2Failure)) throw err;
      // The reason is for the operator; the client learns nothing about the provider's answer.
      req.log.warn({ provider: input.provider.name, reason: err.message }, "OAuth2 sign-in failed");
      throw badRequest("Failed to authenticate.");
    }
    const { record, isNew } = await linkAccount(
      services,
      c,
      input.provider.name,
      user,
      ctx,
      input.createData,
    );
    return completeAuth(services, c, record, ctx, "oauth2", authMeta(user, isNew), { mfaId: body.mfaId });
  });
}
