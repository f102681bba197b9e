import type { FastifyInstance } from "fastify";
import { completeAuth } from "../../auth/complete-auth.js";
import { otpOptions } from "../../auth/otp/otp-options.js";
import { redeemOtp } from "../../auth/otp/redeem-otp.js";
import { requestOtp } from "../../auth/otp/request-otp.js";
import { isEmail } from "../../collections/fields/email.js";
import type { Collection } from "../../collections/model.js";
import { badRequest, type FieldIssue, forbidden, type IssueMap, issue } from "../../errors/api-error.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** PocketBase answers 403 (not 400) when a collection has OTP switched off. */
function otpCollection(services: Services, name: string): Collection {
  const c = authCollection(services, name);
  if (!otpOptions(c).enabled)
    throw forbidden("The collection is not configured to allow OTP authentication.");
  return c;
}

/** A required string of at most `max` characters, or its field issue. */
function requiredString(value: unknown, max: number): string | FieldIssue {
  if (typeof value !== "string" || value === "")
    return issue("validation_required", "Missing required value.");
  if (value.length > max)
    return issue("validation_length_out_of_range", `Must be at most ${max} characters.`);
  return value;
}

/** POST /api/collections/{c}/request-otp and /auth-with-otp: sign-in with a code sent by email. */
export function authOtpRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/request-otp", async (req) => {
    const c = otpCollection(services, req.params.collection);
    const body = await requestBody(req);
    const email = requiredString(body.email, 255);
    if (typeof email !== "string")
      throw badRequest("An error occurred while validating the submitted data.", { email });
    if (!isEmail(email.trim()))
      throw badRequest("An error occurred while validating the submitted data.", {
        email: issue("validation_is_email", "Must be a valid email address."),
      });
    return { otpId: await requestOtp(services, c, email.trim(), req.log) };
  });

  app.post<{ Params: Params }>("/api/collections/:collection/auth-with-otp", async (req) => {
    const c = otpCollection(services, req.params.collection);
    const body = await requestBody(req);
    const otpId = requiredString(body.otpId, 255);
    const password = requiredString(body.password, 71);
    const issues: IssueMap = {};
    if (typeof otpId !== "string") issues.otpId = otpId;
    if (typeof password !== "string") issues.password = password;
    if (typeof otpId !== "string" || typeof password !== "string")
      throw badRequest("An error occurred while validating the submitted data.", issues);
    // @request.context is "otp" for the rules this sign-in evaluates (the MFA rule), as in PocketBase.
    const ctx = { ...(await contextOf(req, services)), context: "otp" };
    const record = await redeemOtp(services, c, otpId, password, ctx);
    return completeAuth(services, c, record, ctx, "otp", undefined, { mfaId: body.mfaId });
  });
}
