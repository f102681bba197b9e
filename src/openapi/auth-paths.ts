import type { JsonSchema } from "../collections/fields/index.js";
import type { AuthOptions, Collection } from "../collections/model.js";
import { ANY_REQUESTER, errorRefs, RECORD_PARAMETERS, ref, SIGNED_IN } from "./shared-components.js";
import type { Viewer } from "./viewer.js";

type PathItem = Record<string, JsonSchema>;

const str = (description: string): JsonSchema => ({ type: "string", description });

const jsonBody = (
  properties: Record<string, JsonSchema>,
  required: string[],
  example: unknown,
): JsonSchema => ({
  required: true,
  content: {
    "application/json": { schema: { type: "object", required, properties }, example },
  },
});

const NO_CONTENT = {
  "204": { description: "Done (also when no account matches, so the answer reveals nothing)." },
};

const enabled = (options: AuthOptions, key: string): boolean =>
  (options[key] as { enabled?: boolean } | undefined)?.enabled === true;

/**
 * The sign-in and account endpoints of an auth collection. Clients see the methods the collection
 * has turned on; superusers see every one (noting which are off). API keys don't sign in.
 */
export function authPaths(c: Collection, base: string, viewer: Viewer): Record<string, PathItem> {
  const options = c.auth;
  if (!options || viewer.kind === "apiKey") return {};
  const all = viewer.kind === "superuser";
  const root = `/api/collections/${c.name}`;
  const tag = c.name;
  const authAnswer = {
    "200": {
      description: "Signed in: a token for `Authorization` and the record.",
      content: { "application/json": { schema: ref("schemas", `${base}AuthResponse`) } },
    },
  };
  const op = (id: string, summary: string, rest: JsonSchema, off?: boolean): PathItem => ({
    post: {
      operationId: `${c.name}_${id}`,
      tags: [tag],
      summary,
      ...(off
        ? { description: "Turned off in this collection's options: answers 400 until turned on." }
        : {}),
      security: ANY_REQUESTER,
      ...rest,
    },
  });
  const out: Record<string, PathItem> = {
    [`${root}/auth-methods`]: {
      get: {
        operationId: `${c.name}_authMethods`,
        tags: [tag],
        summary: "The sign-in methods a client may offer",
        security: ANY_REQUESTER,
        responses: {
          "200": {
            description: "The methods and their settings.",
            content: { "application/json": { schema: ref("schemas", "AuthMethods") } },
          },
          ...errorRefs(404),
        },
      },
    },
  };
  const password = options.passwordAuth.enabled;
  if (password || all)
    out[`${root}/auth-with-password`] = op(
      "authWithPassword",
      "Sign in with an identity and a password",
      {
        parameters: RECORD_PARAMETERS,
        requestBody: jsonBody(
          {
            identity: str(
              `The value of one of the identity fields (${options.passwordAuth.identityFields.join(", ")}).`,
            ),
            password: { type: "string", writeOnly: true },
            identityField: str("Which identity field `identity` is (optional)."),
          },
          ["identity", "password"],
          { identity: "ada@example.com", password: "a long password" },
        ),
        responses: { ...authAnswer, ...errorRefs(400, 401) },
      },
      !password,
    );
  out[`${root}/auth-refresh`] = {
    post: {
      operationId: `${c.name}_authRefresh`,
      tags: [tag],
      summary: "A fresh token for the signed-in record",
      security: SIGNED_IN,
      parameters: RECORD_PARAMETERS,
      responses: { ...authAnswer, ...errorRefs(401, 403, 404) },
    },
  };
  const otp = enabled(options, "otp");
  if (otp || all) {
    out[`${root}/request-otp`] = op(
      "requestOtp",
      "Send a one-time password by email",
      {
        requestBody: jsonBody({ email: { type: "string", format: "email" } }, ["email"], {
          email: "ada@example.com",
        }),
        responses: {
          "200": {
            description: "The id to redeem the code with (given even when no account matches).",
            content: {
              "application/json": {
                schema: { type: "object", required: ["otpId"], properties: { otpId: { type: "string" } } },
              },
            },
          },
          ...errorRefs(400),
        },
      },
      !otp,
    );
    out[`${root}/auth-with-otp`] = op(
      "authWithOtp",
      "Sign in with a one-time password",
      {
        parameters: RECORD_PARAMETERS,
        requestBody: jsonBody(
          { otpId: str("From request-otp."), password: str("The emailed code.") },
          ["otpId", "password"],
          { otpId: "a1b2c3d4e5f6g7h", password: "12345678" },
        ),
        responses: { ...authAnswer, ...errorRefs(400, 401) },
      },
      !otp,
    );
  }
  const oauth2 = enabled(options, "oauth2");
  if (oauth2 || all)
    out[`${root}/auth-with-oauth2`] = op(
      "authWithOAuth2",
      "Sign in with an OAuth2 / OpenID Connect provider",
      {
        parameters: RECORD_PARAMETERS,
        requestBody: jsonBody(
          {
            provider: str("A provider name from auth-methods."),
            code: str("The authorization code the provider redirected with."),
            codeVerifier: str("The PKCE verifier from auth-methods."),
            redirectURL: str("The redirect URL the code was issued for."),
            createData: { type: "object", description: "Fields for a record created on first sign-in." },
          },
          ["provider", "code", "codeVerifier", "redirectURL"],
          {
            provider: "google",
            code: "…",
            codeVerifier: "…",
            redirectURL: "https://app.example.com/redirect",
          },
        ),
        responses: { ...authAnswer, ...errorRefs(400, 401) },
      },
      !oauth2,
    );
  const email = { email: { type: "string", format: "email" } };
  out[`${root}/request-password-reset`] = op("requestPasswordReset", "Email a password reset link", {
    requestBody: jsonBody(email, ["email"], { email: "ada@example.com" }),
    responses: { ...NO_CONTENT, ...errorRefs(400) },
  });
  out[`${root}/confirm-password-reset`] = op(
    "confirmPasswordReset",
    "Set a new password with the emailed token",
    {
      requestBody: jsonBody(
        { token: str("From the email."), password: { type: "string" }, passwordConfirm: { type: "string" } },
        ["token", "password", "passwordConfirm"],
        { token: "eyJ…", password: "a new long password", passwordConfirm: "a new long password" },
      ),
      responses: { "204": { description: "Changed: older tokens stop working." }, ...errorRefs(400) },
    },
  );
  out[`${root}/request-verification`] = op("requestVerification", "Email a verification link", {
    requestBody: jsonBody(email, ["email"], { email: "ada@example.com" }),
    responses: { ...NO_CONTENT, ...errorRefs(400) },
  });
  out[`${root}/confirm-verification`] = op("confirmVerification", "Verify the email with the emailed token", {
    requestBody: jsonBody({ token: str("From the email.") }, ["token"], { token: "eyJ…" }),
    responses: { "204": { description: "Verified." }, ...errorRefs(400) },
  });
  out[`${root}/request-email-change`] = {
    post: {
      operationId: `${c.name}_requestEmailChange`,
      tags: [tag],
      summary: "Email a confirmation link to a new address",
      security: SIGNED_IN,
      requestBody: jsonBody({ newEmail: { type: "string", format: "email" } }, ["newEmail"], {
        newEmail: "ada@example.org",
      }),
      responses: { "204": { description: "Sent." }, ...errorRefs(400, 401, 403) },
    },
  };
  out[`${root}/confirm-email-change`] = op("confirmEmailChange", "Change the email with the emailed token", {
    requestBody: jsonBody(
      { token: str("From the email."), password: { type: "string" } },
      ["token", "password"],
      {
        token: "eyJ…",
        password: "a long password",
      },
    ),
    responses: { "204": { description: "Changed." }, ...errorRefs(400) },
  });
  if (all)
    out[`${root}/impersonate/{id}`] = {
      post: {
        operationId: `${c.name}_impersonate`,
        tags: [tag],
        summary: "A non-refreshable token for any record (superusers)",
        security: SIGNED_IN,
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          ...RECORD_PARAMETERS,
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  duration: { type: "integer", minimum: 0, description: "Seconds; 0 = the default." },
                },
              },
            },
          },
        },
        responses: { ...authAnswer, ...errorRefs(400, 401, 403, 404) },
      },
    };
  return out;
}

/** `{token, record}`, and `meta` from OAuth2 (the provider's profile). */
export function authResponseSchema(base: string): JsonSchema {
  return {
    type: "object",
    required: ["token", "record"],
    properties: {
      token: { type: "string", description: "Send it in `Authorization`." },
      record: ref("schemas", `${base}Record`),
      meta: { type: "object", description: "OAuth2 only: what the provider said about the user." },
    },
  };
}

const METHOD = (extra: Record<string, JsonSchema>): JsonSchema => ({
  type: "object",
  required: ["enabled", ...Object.keys(extra)],
  properties: { enabled: { type: "boolean" }, ...extra },
});

export const AUTH_METHODS_SCHEMA: JsonSchema = {
  type: "object",
  required: ["password", "oauth2", "mfa", "otp"],
  properties: {
    password: METHOD({ identityFields: { type: "array", items: { type: "string" } } }),
    oauth2: METHOD({ providers: { type: "array", items: { type: "object" } } }),
    mfa: METHOD({ duration: { type: "integer" } }),
    otp: METHOD({ duration: { type: "integer" } }),
  },
};
