/**
 * Why an OAuth2 sign-in failed, for the server log only. The client always gets the same
 * 400 "Failed to authenticate." so provider responses and our checks never leak.
 */
export class OAuth2Failure extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = "OAuth2Failure";
  }
}
