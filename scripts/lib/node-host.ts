import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { describeError, log } from "../../shared/http/log";
import type { ExecutionContext, WorkerModule } from "../../shared/worker";

export interface HostedWorker {
  url: string;
  close(): Promise<void>;
}

const nodeExecutionContext: ExecutionContext = {
  waitUntil(promise) {
    promise.catch((err) => log("error", "waitUntil task failed", describeError(err)));
  },
  passThroughOnException() {},
  props: {},
};

/** Serves a worker module on Node with a fixed env: the self-hosting path, tests and benchmarks. */
export function serveWorker(worker: WorkerModule, env: Record<string, unknown>, port = 0, hostname = "127.0.0.1") {
  return new Promise<HostedWorker>((resolve) => {
    const server = serve({ fetch: (request) => worker.fetch(request, env, nodeExecutionContext), port, hostname }, (info: AddressInfo) =>
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
