// The few Deno APIs the Deno host uses, typed here so that `tsc` (which type-checks this project
// for Node) needs no Deno type package. Deno's own types apply when Deno runs the file.
declare namespace Deno {
  interface NetAddr {
    transport: "tcp" | "udp";
    hostname: string;
    port: number;
  }
  interface ServeHandlerInfo {
    remoteAddr: NetAddr;
  }
  interface HttpServer {
    finished: Promise<void>;
    shutdown(): Promise<void>;
  }
  interface ServeOptions {
    port?: number;
    hostname?: string;
    onListen?(addr: NetAddr): void;
  }
  function serve(options: ServeOptions, handler: (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>): HttpServer;
  /** Needs --unstable-cron (deno.json "unstable": ["cron"]); Deno Deploy runs it on its scheduler. */
  function cron(name: string, schedule: string, handler: () => Promise<void> | void): Promise<void>;
  const env: { get(key: string): string | undefined; toObject(): Record<string, string> };
  function addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  function exit(code?: number): never;
}
