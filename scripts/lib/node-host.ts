import type { AddressInfo } from "node:net";
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import { type ExecutionContext, hostContext, type WorkerModule } from "../../shared/worker";

export interface HostedWorker {
  url: string;
  close(): Promise<void>;
}

/**
 * The execution context of one request on Node: the socket's remote address is the client, which
 * no client can forge, unlike a header.
 */
const contextFor = (bindings: HttpBindings | Http2Bindings): ExecutionContext => hostContext(bindings.incoming.socket.remoteAddress);

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
