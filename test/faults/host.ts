// The system under fault, in a process of its own so a test can see whether it survives: the
// gateway and the three workers served on Node (HTTP between them, as `npm run start:node` did),
// and the notifier, against the PostgreSQL, NATS and Resend the test gives in the environment.
// Prints one JSON line {"gateway": url, "notifier": url} when it serves.
import { generateSigningKey } from "../../scripts/lib/keys";
import { serveWorker } from "../../scripts/lib/node-host";
import { publicJwk } from "../../shared/auth/jwk";
import { httpService } from "../../shared/http/forward";
import { describeError, log } from "../../shared/http/log";
import auth from "../../workers/auth/index";
import booking from "../../workers/booking/index";
import gateway from "../../workers/gateway/index";
import search from "../../workers/search/index";
import { parseNotifierConfig } from "../../notifier/config";
import { NO_RATE_LIMITS } from "../support/client";
import { startNotifier } from "../../notifier/index";

process.on("unhandledRejection", (err) => log("error", "unhandled rejection (kept running)", describeError(err)));

const key = JSON.stringify(await generateSigningKey());
const common = { DATABASE_URL: process.env.DATABASE_URL!, BCRYPT_COST: "4", HOLD_MINUTES: "15" };
const verify = { ...common, JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(key))] }) };
const a = await serveWorker(auth, { ...common, JWT_PRIVATE_JWK: key });
const s = await serveWorker(search, { ...verify, SEARCH_CACHE_SECONDS: "0" });
const b = await serveWorker(booking, verify);
const g = await serveWorker(gateway, {
  ...verify,
  ...NO_RATE_LIMITS,
  AUTH: httpService(a.url),
  SEARCH: httpService(s.url),
  BOOKING: httpService(b.url),
});
const notifier = await startNotifier(parseNotifierConfig({ ...process.env, NOTIFIER_PORT: "0" }));
console.log(JSON.stringify({ gateway: g.url, booking: b.url, notifier: notifier.url }));
