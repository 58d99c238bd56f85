import { decodeJwt, importJWK, type JWTPayload, SignJWT } from "jose";

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The claims of a genuine access token for `sub`, valid for a minute. */
export const validClaims = (sub: string): JWTPayload => ({
  sub,
  iss: "airline-auth",
  aud: "airline-api",
  iat: nowSeconds(),
  exp: nowSeconds() + 60,
});

/**
 * Signs `claims` (roles default to customer) with a private JWK given as JSON, as the auth worker
 * would, unless a test varies the header's `typ` or `kid`.
 */
export async function signAccessToken(privateJwk: string, claims: JWTPayload, opts: { typ?: string; kid?: string } = {}) {
  const jwk = JSON.parse(privateJwk);
  return new SignJWT({ roles: ["customer"], ...claims })
    .setProtectedHeader({ alg: "ES256", typ: opts.typ ?? "at+jwt", kid: opts.kid ?? jwk.kid })
    .sign(await importJWK(jwk, "ES256"));
}

/** `token` with its claims edited (say, roles: ["admin"]) under the original signature. */
export function withEditedClaims(token: string, changes: JWTPayload): string {
  const [header, , signature] = token.split(".");
  return `${header}.${b64url({ ...decodeJwt(token), ...changes })}.${signature}`;
}
