// The search worker: the flight catalog (admin writes) and look-to-book reads.
import type { WorkerModule } from "../../shared/worker";
import { createSearchApp } from "./app";

const app = createSearchApp();

export default { fetch: (request, env, ctx) => app.fetch(request, env, ctx) } satisfies WorkerModule;
