import type { AddressInfo } from "node:net";
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import { describeError, log } from "../../shared/http/log";
import type { ExecutionContext, Fetcher, WorkerModule } from "../../shared/worker";

export interface HostedWorker {
  url: string;
  close(): Promise<void>;
}

const waitUntil = (promise: Promise<unknown>) => {
  promise.catch((err) => log("error", "waitUntil task failed", describeError(err)));
};

/**
 * The execution context of one request on Node. `props.clientAddress` is the socket's remote
 * address: what the gateway keys its rate limits on (workers/gateway/client-address.ts), and what
 * no client can forge, unlike a header.
 */
const contextFor = (bindings: HttpBindings | Http2Bindings): ExecutionContext => ({
  waitUntil,
  passThroughOnException() {},
  props: { clientAddress: bindings.incoming.socket.remoteAddress },
});

/** Serves a worker module on Node with a fixed env: the self-hosting path, tests and benchmarks. */
export function serveWorker(worker: WorkerModule, env: Record<string, unknown>, port = 0, hostname = "127.0.0.1") {
  return new Promise<HostedWorker>((resolve) => {
    const fetch = (request: Request, bindings: HttpBindings | Http2Bindings) => worker.fetch(request, env, contextFor(bindings));
    const server = serve({ fetch, port, hostname }, (info: AddressInfo) =>
      resolve({
        url: `http://${hostname}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      }),
    );
  });
}

/**
 * A service binding to a worker module in the same process: what workerd does for a service
 * binding (the callee runs on the caller's request, no HTTP in between), on Node.
 */
export function inProcessService(worker: WorkerModule, env: Record<string, unknown>): Fetcher {
  const ctx: ExecutionContext = { waitUntil, passThroughOnException() {}, props: {} };
  return { fetch: async (request) => worker.fetch(request, env, ctx) };
}
