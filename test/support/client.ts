import type { ExecutionContext, WorkerModule } from "../../shared/worker";

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

const ctx: ExecutionContext = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };

/** Calls a worker module in-process with a given env, the way the runtime would. */
export function clientFor(worker: WorkerModule, env: () => Record<string, unknown>) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> =>
    parse(await worker.fetch(new Request(`http://worker.test${path}`, requestInit(method, options)), env(), ctx));
}

/** Every item of a list, walked page by page (`limit` a page) along `page.next`. */
export async function walkPages(call: ReturnType<typeof clientFor>, path: string, limit: number, token?: string) {
  const items: any[] = [];
  let next: string | null = null;
  do {
    const res = await call("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${next ? `&cursor=${next}` : ""}`, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    items.push(...res.body.data);
    next = res.body.page.next;
  } while (next);
  return items;
}

/** Calls a real HTTP server. */
export function httpClient(baseUrl: () => string) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> =>
    parse(await fetch(`${baseUrl()}${path}`, requestInit(method, options)));
}

/** JSON bodies (strings are sent as they are, to test malformed input) and a bearer token. */
function requestInit(method: string, options: CallOptions): RequestInit {
  const headers = new Headers(options.headers);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  return { method, headers, body };
}

async function parse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Gateway settings for tests that send many requests from one address and are not about limits. */
export const NO_RATE_LIMITS = {
  RATE_LIMIT_API: "1000000",
  RATE_LIMIT_LOGIN: "1000000",
  RATE_LIMIT_LOGIN_CLIENT: "1000000",
  RATE_LIMIT_SIGNUP: "1000000",
};
