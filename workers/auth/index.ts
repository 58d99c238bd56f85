// The auth worker's entry: the same module runs in workerd (wrangler dev, Cloudflare) and on Node.
import type { WorkerModule } from "../../shared/worker";
import { createAuthApp } from "./app";

const app = createAuthApp();

export default { fetch: (request, env, ctx) => app.fetch(request, env, ctx) } satisfies WorkerModule;
