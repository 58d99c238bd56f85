import type { Fetcher } from "../worker";

/**
 * A Fetcher that sends requests to a base URL over HTTP: what a service binding is to a worker
 * that runs on Node, where there are no bindings. The request is taken apart rather than copied
 * (`new Request(target, request)`): undici lets a copied Request's abort signal be garbage
 * collected (undici issue 4068), which silently disables the caller's deadline.
 */
export function httpService(baseUrl: string): Fetcher {
  const base = new URL(baseUrl);
  return {
    fetch(request) {
      const url = new URL(request.url);
      const init: RequestInit & { duplex?: "half" } = {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: request.redirect,
        signal: request.signal,
        duplex: "half",
      };
      return fetch(new URL(url.pathname + url.search, base), init);
    },
  };
}
