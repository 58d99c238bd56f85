import * as z from "zod";
import { env } from "../config";
import { JwksSchema } from "./jwk";
import { type AccessTokenVerifier, createAccessTokenVerifier, keySetFrom } from "./tokens";

/**
 * Configuration of a worker that verifies access tokens but does not issue them: the public keys
 * inline (JWT_PUBLIC_JWKS, what `npm start` passes) or the auth worker's JWKS URL.
 */
export const tokenVerificationConfig = {
  JWT_ISSUER: env.string("airline-auth"),
  JWT_AUDIENCE: env.string("airline-api"),
  JWT_PUBLIC_JWKS: env.json(JwksSchema, "must be a JWKS with at least one EC P-256 public key").optional(),
  JWT_JWKS_URL: env.url().optional(),
};

type VerificationConfig = {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_PUBLIC_JWKS?: z.output<typeof JwksSchema>;
  JWT_JWKS_URL?: string;
};

/** Refinement for a worker schema using tokenVerificationConfig: one key source must be set. */
export function requireKeySource(config: VerificationConfig, ctx: z.RefinementCtx) {
  if (!config.JWT_PUBLIC_JWKS && !config.JWT_JWKS_URL) {
    ctx.addIssue({ code: "custom", path: ["JWT_PUBLIC_JWKS"], message: "(or JWT_JWKS_URL) is required" });
  }
}

const verifiers = new WeakMap<object, AccessTokenVerifier>();

export function verifierFromConfig(config: VerificationConfig): AccessTokenVerifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    const keys = keySetFrom(config.JWT_PUBLIC_JWKS ?? new URL(config.JWT_JWKS_URL!));
    verifier = createAccessTokenVerifier(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    verifiers.set(config, verifier);
  }
  return verifier;
}
