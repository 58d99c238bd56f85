// `npm run openapi`: writes the public API's OpenAPI document from the workers' route definitions
// into workers/gateway/public-api.json, which the gateway serves and routes by. Run it after adding
// or changing a route; a test fails while the committed file is out of date.
import { writeFileSync } from "node:fs";
import { PUBLIC_API_FILE, publicApiJson } from "./lib/openapi";

writeFileSync(PUBLIC_API_FILE, publicApiJson());
console.log(`[openapi] wrote ${PUBLIC_API_FILE}`);
