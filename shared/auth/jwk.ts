import * as z from "zod";

/** The signing algorithm of access tokens: ECDSA P-256, available in every WebCrypto (Node, workerd, browsers). */
export const ACCESS_TOKEN_ALG = "ES256";
/** RFC 9068 media type of JWT access tokens, checked on verification so no other JWT passes as one. */
export const ACCESS_TOKEN_TYP = "at+jwt";

export const PrivateJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1),
});
export type PrivateJwk = z.infer<typeof PrivateJwkSchema>;

export const PublicJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal(ACCESS_TOKEN_ALG).optional(),
  use: z.literal("sig").optional(),
});
export type PublicJwk = z.infer<typeof PublicJwkSchema>;

export const JwksSchema = z.object({ keys: z.array(PublicJwkSchema).min(1) });
export type Jwks = z.infer<typeof JwksSchema>;

/** The public half of a signing key, as published in the JWKS. */
export function publicJwk({ kty, crv, x, y, kid }: PrivateJwk): PublicJwk {
  return { kty, crv, x, y, kid, alg: ACCESS_TOKEN_ALG, use: "sig" };
}
