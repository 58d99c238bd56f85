// A small transaction-pooling relay for PostgreSQL, for local development under wrangler dev.
//
// workerd cannot keep a socket beyond the request that opened it, so every request of a worker
// opens a PostgreSQL connection, and a new backend costs PostgreSQL a fork and cold caches: on
// the project's 2-core VM about 20 ms of CPU before the first query (docs/benchmarks.md). Deployed,
// Hyperdrive pools those connections near the database; wrangler dev's Hyperdrive emulation is a
// plain TCP relay. This relay stands in for the pooling part: clients (the workers' per-request
// postgres.js clients) connect and authenticate at no cost to PostgreSQL, and each is lent a
// server connection from a pool only from its first message to the end of its transaction
// (ReadyForQuery "idle" with nothing unsynced), as PgBouncer's transaction mode does.
//
// Limits, which our workers' SQL respects: named prepared statements do not survive across
// transactions (the workers run with `prepare: false` in workerd, which costs no round trip: see
// db/pool-workerd.ts), and session state (SET without LOCAL, LISTEN, advisory session locks) would
// leak between clients. Clients are not authenticated: it listens on 127.0.0.1 for this machine.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import net from "node:net";

export interface PgPoolerOptions {
  /** The real server, e.g. postgres://user:password@127.0.0.1:5432/db (the database is per client). */
  target: string;
  /** Server connections per user and database. */
  max?: number;
  port?: number;
  host?: string;
}

export interface PgPooler {
  port: number;
  /** `url` with its host and port replaced by this relay's. */
  urlFor(url: string): string;
  /** Server connections opened so far, and client sessions served (for benchmarks). */
  stats(): { serverConnections: number; clientSessions: number };
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/** Splits a byte stream into protocol messages (type byte + length), keeping the raw bytes. */
class Frames {
  private buffer: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Buffer[] = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readUInt32BE(1) + 1;
      if (this.buffer.length < length) break;
      frames.push(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
    }
    return frames;
  }
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (s: string) => Buffer.from(`${s}\0`, "utf8");

function startupPacket(params: Record<string, string>): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    ...Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

interface ServerConnection {
  socket: net.Socket;
  frames: Frames;
  /** Who the server's messages go to while it is lent. */
  onFrame?: (frame: Buffer) => void;
  /** Told when the server goes away while the connection is lent. */
  onClose?: () => void;
  broken: boolean;
}

/** Opens and authenticates one server connection; resolves with it and the startup messages. */
function openServer(target: URL, user: string, database: string): Promise<{ server: ServerConnection; startup: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port || 5432), target.hostname);
    socket.setNoDelay(true);
    const server: ServerConnection = { socket, frames: new Frames(), broken: false };
    const password = decodeURIComponent(target.password);
    const startup: Buffer[] = [];
    let scram: { nonce: string; clientFirstBare: string; serverSignature?: Buffer } | undefined;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once("error", fail);
    socket.on("connect", () => socket.write(startupPacket({ user, database, application_name: "airline-dev-pooler" })));
    const onData = (chunk: Buffer) => {
      for (const frame of server.frames.push(chunk)) {
        const type = String.fromCharCode(frame[0]!);
        if (type === "E") return fail(new Error(`PostgreSQL refused the pooler: ${errorText(frame)}`));
        if (type === "R") {
          const code = frame.readUInt32BE(5);
          if (code === 0) continue; // AuthenticationOk
          if (code === 3) socket.write(message("p", cstring(password)));
          else if (code === 5) {
            const salt = frame.subarray(9, 13);
            const inner = createHash("md5").update(password + user).digest("hex");
            socket.write(message("p", cstring(`md5${createHash("md5").update(Buffer.concat([Buffer.from(inner), salt])).digest("hex")}`)));
          } else if (code === 10) {
            const nonce = randomBytes(18).toString("base64");
            const clientFirstBare = `n=*,r=${nonce}`;
            scram = { nonce, clientFirstBare };
            const first = Buffer.from(`n,,${clientFirstBare}`);
            const len = Buffer.alloc(4);
            len.writeInt32BE(first.length);
            socket.write(message("p", Buffer.concat([cstring("SCRAM-SHA-256"), len, first])));
          } else if (code === 11 && scram) {
            const serverFirst = frame.subarray(9).toString();
            const attrs = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
            const salted = pbkdf2Sync(password, Buffer.from(attrs.s!, "base64"), Number(attrs.i), 32, "sha256");
            const clientKey = createHmac("sha256", salted).update("Client Key").digest();
            const storedKey = createHash("sha256").update(clientKey).digest();
            const withoutProof = `c=biws,r=${attrs.r}`;
            const authMessage = `${scram.clientFirstBare},${serverFirst},${withoutProof}`;
            const signature = createHmac("sha256", storedKey).update(authMessage).digest();
            const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
            const serverKey = createHmac("sha256", salted).update("Server Key").digest();
            scram.serverSignature = createHmac("sha256", serverKey).update(authMessage).digest();
            socket.write(message("p", Buffer.from(`${withoutProof},p=${proof.toString("base64")}`)));
          } else if (code === 12) {
            continue; // SASL final: the server's signature (trusted on a local connection)
          } else return fail(new Error(`the pooler cannot answer PostgreSQL's authentication request ${code}`));
          continue;
        }
        if (type === "S" || type === "K") startup.push(frame);
        if (type === "Z") {
          socket.off("data", onData);
          socket.off("error", fail);
          socket.on("data", (more: Buffer) => {
            for (const f of server.frames.push(more)) server.onFrame?.(f);
          });
          resolve({ server, startup });
          return;
        }
      }
    };
    socket.on("data", onData);
  });
}

function errorText(frame: Buffer): string {
  const fields = frame.subarray(5).toString("utf8").split("\0");
  return fields.find((f) => f.startsWith("M"))?.slice(1) ?? "error";
}

class Pool {
  private idle: ServerConnection[] = [];
  private waiting: ((server: ServerConnection) => void)[] = [];
  private size = 0;
  /** ParameterStatus messages of the first connection, replayed to every client. */
  parameterStatus: Buffer[] = [];
  opened = 0;

  constructor(
    private readonly target: URL,
    private readonly user: string,
    private readonly database: string,
    private readonly max: number,
  ) {}

  async warm(): Promise<void> {
    if (this.size > 0 || this.idle.length > 0) return;
    this.release(await this.open());
  }

  private async open(): Promise<ServerConnection> {
    this.size++;
    try {
      const { server, startup } = await openServer(this.target, this.user, this.database);
      this.opened++;
      if (this.parameterStatus.length === 0) this.parameterStatus = startup.filter((f) => f[0] === 0x53);
      const gone = () => {
        this.retire(server);
        server.onClose?.();
      };
      server.socket.on("close", gone);
      server.socket.on("error", gone);
      return server;
    } catch (err) {
      this.size--;
      throw err;
    }
  }

  acquire(): Promise<ServerConnection> {
    const server = this.idle.pop();
    if (server) return Promise.resolve(server);
    if (this.size < this.max) return this.open();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(server: ServerConnection) {
    server.onFrame = undefined;
    server.onClose = undefined;
    if (server.broken) return;
    const next = this.waiting.shift();
    if (next) next(server);
    else this.idle.push(server);
  }

  /** A connection whose state is unknown (its client left mid-transaction): close it. */
  discard(server: ServerConnection) {
    server.onFrame = undefined;
    server.onClose = undefined;
    this.retire(server);
    server.socket.destroy();
  }

  /** Takes a connection out of the count (closed, or about to be), and lets a waiter open another. */
  private retire(server: ServerConnection) {
    if (server.broken) return;
    server.broken = true;
    this.size--;
    this.idle = this.idle.filter((s) => s !== server);
    if (this.waiting.length > 0 && this.size < this.max) {
      const next = this.waiting.shift()!;
      this.open().then(next, () => this.waiting.unshift(next));
    }
  }

  close() {
    for (const server of this.idle) server.socket.destroy();
    this.idle = [];
  }
}

/** Extended-protocol messages that leave work pending on the server until a Sync. */
const UNSYNCED = new Set(["P", "B", "D", "E", "C", "H", "F"]);

export async function startPgPooler(options: PgPoolerOptions): Promise<PgPooler> {
  const target = new URL(options.target);
  const max = options.max ?? 10;
  const pools = new Map<string, Pool>();
  const clients = new Set<net.Socket>();
  let clientSessions = 0;

  const poolFor = (user: string, database: string) => {
    const key = `${user}\0${database}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool(target, user, database, max);
      pools.set(key, pool);
    }
    return pool;
  };

  const serve = (client: net.Socket) => {
    clients.add(client);
    client.setNoDelay(true);
    let startupBuffer: Buffer = Buffer.alloc(0);
    let pool: Pool | undefined;
    const frames = new Frames();
    let server: ServerConnection | undefined;
    let acquiring = false;
    const queued: Buffer[] = [];
    let pendingReady = 0; // Syncs and simple queries sent, ReadyForQuery not yet received
    let unsynced = false; // extended-protocol messages sent since the last Sync
    let transaction = "I";
    let closed = false;

    const detach = () => {
      if (!server || !pool) return;
      const s = server;
      server = undefined;
      if (pendingReady === 0 && !unsynced && transaction === "I") pool.release(s);
      else pool.discard(s);
    };
    const end = () => {
      if (closed) return;
      closed = true;
      clients.delete(client);
      detach();
      client.destroy();
    };
    client.on("close", end);
    client.on("error", end);

    const toServer = async (frame: Buffer) => {
      const type = String.fromCharCode(frame[0]!);
      if (type === "X") return end();
      queued.push(frame);
      if (server) return flush();
      if (acquiring) return;
      acquiring = true;
      try {
        server = await pool!.acquire();
      } catch (err) {
        client.write(errorResponse((err as Error).message));
        return end();
      } finally {
        acquiring = false;
      }
      if (closed) return detach();
      server.onFrame = fromServer;
      server.onClose = end;
      flush();
    };
    const flush = () => {
      for (const frame of queued) {
        const type = String.fromCharCode(frame[0]!);
        if (type === "S" || type === "Q") pendingReady++;
        if (type === "S" || type === "Q") unsynced = false;
        else if (UNSYNCED.has(type)) unsynced = true;
      }
      if (queued.length > 0) server!.socket.write(Buffer.concat(queued.splice(0)));
    };
    const fromServer = (frame: Buffer) => {
      if (!closed) client.write(frame);
      if (frame[0] === 0x5a) {
        pendingReady--;
        transaction = String.fromCharCode(frame[5]!);
        if (pendingReady === 0 && !unsynced && transaction === "I" && queued.length === 0) detach();
      }
    };

    const onStartup = async (chunk: Buffer) => {
      startupBuffer = Buffer.concat([startupBuffer, chunk]);
      if (startupBuffer.length < 8) return;
      const length = startupBuffer.readUInt32BE(0);
      if (startupBuffer.length < length) return;
      const code = startupBuffer.readUInt32BE(4);
      const packet = startupBuffer.subarray(0, length);
      const rest = startupBuffer.subarray(length);
      startupBuffer = Buffer.alloc(0);
      if (code === SSL_REQUEST) {
        client.write("N");
        if (rest.length) await onStartup(rest);
        return;
      }
      if (code === CANCEL_REQUEST || code !== PROTOCOL_3) return end();
      const parts = packet.subarray(8).toString("utf8").split("\0");
      const params: Record<string, string> = {};
      for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params[parts[i]!] = parts[i + 1]!;
      const user = params.user ?? "postgres";
      pool = poolFor(user, params.database ?? user);
      client.off("data", onStartup);
      try {
        await pool.warm();
      } catch (err) {
        client.write(errorResponse((err as Error).message));
        return end();
      }
      clientSessions++;
      const key = Buffer.alloc(8);
      key.writeUInt32BE(process.pid, 0);
      client.write(
        Buffer.concat([
          message("R", Buffer.from([0, 0, 0, 0])),
          ...pool.parameterStatus,
          message("K", key),
          message("Z", Buffer.from("I")),
        ]),
      );
      client.on("data", (more: Buffer) => {
        for (const frame of frames.push(more)) void toServer(frame);
      });
      if (rest.length) for (const frame of frames.push(rest)) void toServer(frame);
    };
    client.on("data", onStartup);
  };

  const listener = net.createServer(serve);
  const port = await new Promise<number>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const address = listener.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    port,
    urlFor(url: string) {
      const u = new URL(url);
      u.hostname = options.host ?? "127.0.0.1";
      u.port = String(port);
      return u.href;
    },
    stats: () => ({ serverConnections: [...pools.values()].reduce((n, p) => n + p.opened, 0), clientSessions }),
    async close() {
      for (const client of clients) client.destroy();
      for (const pool of pools.values()) pool.close();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

function errorResponse(text: string): Buffer {
  return message("E", Buffer.concat([cstring("SERROR"), cstring("C08006"), cstring(`M${text}`), Buffer.from([0])]));
}
