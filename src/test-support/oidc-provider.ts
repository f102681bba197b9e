import { OAuth2Server } from "oauth2-mock-server";

type Claims = Record<string, unknown>;

export interface TestOidcProvider {
  /** The issuer URL (`http://127.0.0.1:<port>`), as configured in `extra.issuer`. */
  issuer: string;
  server: OAuth2Server;
  /** The account the provider signs in next: claims put on the tokens it issues. */
  signInAs(claims: Claims): void;
  /** Changes the next ID token's claims after the account's (to forge iss, aud, exp, …). */
  tamperNextIdToken(change: (payload: Claims) => void): void;
  /** Rewrites the next token endpoint response body (e.g. to swap the id_token). */
  rewriteNextTokenResponse(change: (body: Claims) => void): void;
  /** Follows a provider authorization URL like a browser would and returns the code. */
  authorize(authURL: string, redirectURL: string): Promise<{ code: string; state: string }>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider process (oauth2-mock-server) on 127.0.0.1 with a fresh RSA key: discovery,
 * JWKS, authorize (with PKCE and nonce) and token endpoints.
 */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  await server.start(0, "127.0.0.1");
  let account: Claims = { sub: "johndoe" };
  const idTokenChanges: ((payload: Claims) => void)[] = [];
  server.service.on("beforeTokenSigning", (token: { payload: Claims }) => {
    Object.assign(token.payload, account);
    // The access token carries `scope`; the ID token does not.
    if (!("scope" in token.payload)) idTokenChanges.shift()?.(token.payload);
  });
  return {
    issuer: String(server.issuer.url),
    server,
    signInAs(claims) {
      account = claims;
    },
    tamperNextIdToken(change) {
      idTokenChanges.push(change);
    },
    rewriteNextTokenResponse(change) {
      server.service.once("beforeResponse", (res: { body: Claims }) => change(res.body));
    },
    async authorize(authURL, redirectURL) {
      const res = await fetch(authURL + encodeURIComponent(redirectURL), { redirect: "manual" });
      const location = res.headers.get("location");
      if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}`);
      const url = new URL(location);
      return { code: url.searchParams.get("code") ?? "", state: url.searchParams.get("state") ?? "" };
    },
    close: () => server.stop(),
  };
}
