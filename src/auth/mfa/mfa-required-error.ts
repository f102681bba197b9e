import { ApiError, type IssueMap } from "../../errors/api-error.js";

/**
 * The 401 that asks for a second sign-in method. PocketBase answers `{"mfaId":"…"}` and its SDK
 * docs read `err.response.mfaId`, so the id sits at the top level; it is also in `data`, and the
 * usual status/message keep the body in Backroom's error shape for clients that expect it.
 */
export class MfaRequiredError extends ApiError {
  constructor(readonly mfaId: string) {
    super(401, "Please complete the MFA by authenticating with a different method.");
  }

  override toJSON(): { status: number; message: string; data: IssueMap; mfaId: string } {
    // data carries a plain value here rather than field issues; the cast keeps ApiError's type.
    const data = { mfaId: this.mfaId } as unknown as IssueMap;
    return { status: this.status, message: this.message, data, mfaId: this.mfaId };
  }
}
