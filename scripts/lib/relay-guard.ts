// Miniflare's local Hyperdrive relay (HyperdriveProxyController in miniflare 4.20260426.0, the
// one wrangler 4.86.0 runs too) pipes each workerd socket to a `net.connect()` socket to the
// database without an 'error' listener on either: when PostgreSQL resets a connection (it does
// so after "sorry, too many clients already", on a restart, or when a backend is terminated) the
// ECONNRESET is an uncaught exception and the whole process hosting Miniflare dies, taking all
// four workers with it. Seen under load: docs/reliability.md.
//
// guardSocketErrors() fixes that from outside: every socket this process opens with
// net.connect() gets an 'error' listener that also ends the socket it was piped to (so the
// worker's query fails at once rather than waiting for its request's deadline), and an
// ECONNRESET or EPIPE that still reaches the top is logged instead of ending the process.
import net from "node:net";
import { log } from "../../shared/http/log";

const SOCKET_ERRORS = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT", "ECONNABORTED"]);

export function guardSocketErrors(worker = "workerd-host") {
  const connect = net.connect;
  const guarded = function (this: unknown, ...args: Parameters<typeof net.connect>) {
    const socket = connect.apply(this, args);
    const partners: NodeJS.WritableStream[] = [];
    const pipe = socket.pipe.bind(socket);
    socket.pipe = ((destination: NodeJS.WritableStream, options?: { end?: boolean }) => {
      partners.push(destination);
      return pipe(destination, options);
    }) as typeof socket.pipe;
    socket.on("error", (err: NodeJS.ErrnoException) => {
      log("warn", "database relay socket failed", { worker, error: err.code ?? err.message });
      for (const partner of partners) (partner as unknown as { destroy?(): void }).destroy?.();
    });
    return socket;
  } as typeof net.connect;
  net.connect = guarded;
  net.createConnection = guarded;
  process.on("uncaughtException", (err: NodeJS.ErrnoException) => {
    if (err.code && SOCKET_ERRORS.has(err.code)) {
      log("warn", "socket error nobody handled (kept running)", { worker, error: err.code });
      return;
    }
    log("error", "uncaught exception", { worker, error: String(err), stack: err.stack });
    process.exit(1);
  });
}
