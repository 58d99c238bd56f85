import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpService } from "../../shared/http/forward";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import gateway from "../../workers/gateway/index";
import { httpClient } from "../support/client";

// A worker that accepts the connection and never answers, behind the gateway on Node, while the
// process collects garbage as fast as it can: the deadline must hold all the same (a copied
// Request can lose its abort signal to GC, undici issue 4068).
let silent: Server;
let gatewayServer: HostedWorker;
const held: unknown[] = [];

beforeAll(async () => {
  silent = createServer((req) => held.push(req)); // never answers
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  gatewayServer = await serveWorker(gateway, { AUTH: httpService(url), SEARCH: httpService(url), BOOKING: httpService(url), UPSTREAM_TIMEOUT_MS: "500" });
});

afterAll(async () => {
  await gatewayServer?.close();
  silent?.closeAllConnections();
  await new Promise((resolve) => silent?.close(resolve));
});

describe("the upstream timeout on Node", () => {
  it("cuts off a worker that never answers, under memory pressure, at the deadline", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "run with --expose-gc (vitest.config.ts)").toBeTypeOf("function");
    const garbage: number[][] = [];
    const pressure = setInterval(() => {
      // Garbage to collect, and a full collection.
      garbage.splice(0, garbage.length, ...Array.from({ length: 50 }, (_, i) => new Array<number>(10_000).fill(i)));
      gc!();
    }, 20);
    try {
      const call = httpClient(() => gatewayServer.url);
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? call("GET", "/api/v1/flights?from=DEL") : call("POST", "/api/v1/auth/login", { body: { email: "a@example.com", password: "whatever1" } }),
        ),
      );
      const elapsed = performance.now() - started;
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(503));
      expect(answers[0]!.body.error.code).toBe("DEPENDENCY_UNAVAILABLE");
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      clearInterval(pressure);
      garbage.length = 0;
    }
  });
});
