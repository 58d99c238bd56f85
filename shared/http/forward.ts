import type { Fetcher } from "../worker";

/**
 * A Fetcher that sends requests to a base URL over HTTP: what a service binding is to a worker
 * that runs on Node, where there are no bindings.
 */
export function httpService(baseUrl: string): Fetcher {
  const base = new URL(baseUrl);
  return {
    fetch(request) {
      const url = new URL(request.url);
      const target = new URL(url.pathname + url.search, base);
      const init: RequestInit & { duplex?: "half" } = { duplex: "half" };
      return fetch(new Request(target, request), init);
    },
  };
}
