// The gateway's entry: routes public paths to the workers through service bindings (workerd) or
// HTTP forwarders the Node host puts in the same env slots.
import type { WorkerModule } from "../../shared/worker";
import { createGatewayApp } from "./app";

const app = createGatewayApp();

export default { fetch: (request, env, ctx) => app.fetch(request, env, ctx) } satisfies WorkerModule;
