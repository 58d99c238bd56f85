import * as z from "zod";
import { PrivateJwkSchema } from "../../shared/auth/jwk";
import { databaseConfig, env, requireDatabase } from "../../shared/config";

export const AuthConfigSchema = z
  .object({
    ...databaseConfig,
    /** The private signing key, a JSON EC P-256 JWK with a kid. `npm start` makes one under .data/. */
    JWT_PRIVATE_JWK: env.json(PrivateJwkSchema, "must be a private EC P-256 JWK with a kid"),
    JWT_ISSUER: env.string("airline-auth"),
    JWT_AUDIENCE: env.string("airline-api"),
    ACCESS_TOKEN_TTL_SECONDS: env.int(60, 86_400, 900),
    REFRESH_TOKEN_TTL_DAYS: env.int(1, 365, 30),
    BCRYPT_COST: env.int(4, 15, 10),
  })
  .superRefine(requireDatabase);

export type AuthConfig = z.output<typeof AuthConfigSchema>;
