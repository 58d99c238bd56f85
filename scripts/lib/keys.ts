import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { ACCESS_TOKEN_ALG, type PrivateJwk } from "../../shared/auth/jwk";

/** A new ES256 signing key as a private JWK with a kid. */
export async function generateSigningKey(): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...(jwk as Omit<PrivateJwk, "kid">), kid: `dev-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}` };
}

/**
 * JWT_PRIVATE_JWK when it is set; otherwise a development key generated once into
 * `<dataDir>/jwt-private.jwk.json` (mode 600) and reused on every start.
 */
export async function loadSigningKey(dataDir: string): Promise<string> {
  if (process.env.JWT_PRIVATE_JWK) return process.env.JWT_PRIVATE_JWK;
  const file = path.join(dataDir, "jwt-private.jwk.json");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dataDir, { recursive: true });
  const jwk = JSON.stringify(await generateSigningKey());
  await writeFile(file, `${jwk}\n`, { mode: 0o600 });
  return jwk;
}
