import type { ProviderConfig } from "./oauth2-options.js";
import { fetchProviderUser, type OAuth2User } from "./provider-user.js";
import { resolveProvider } from "./resolve-provider.js";
import { exchangeCode } from "./token-exchange.js";

/**
 * The provider side of a sign-in: resolve the provider, exchange the code (with the PKCE
 * verifier), read and check the user. Any failure is an OAuth2Failure.
 */
export async function providerUserForCode(
  config: ProviderConfig,
  code: string,
  redirectURL: string,
  codeVerifier: string,
): Promise<OAuth2User> {
  const provider = await resolveProvider(config);
  const tokens = await exchangeCode(provider, code, redirectURL, codeVerifier);
  return fetchProviderUser(provider, tokens, codeVerifier);
}
