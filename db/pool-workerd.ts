// workerd: a socket belongs to the request that opened it, so each request gets its own client.
// Never call sql.end() here: it leaves an unhandled "Stream was cancelled" in workerd; the runtime
// closes the socket when the request's I/O context ends. Deployed, point DATABASE_URL at Hyperdrive.
import postgres from "postgres";

export function connect(url: string): postgres.Sql {
  return postgres(url, { max: 1, fetch_types: false, onnotice: () => {} });
}

export async function disconnectAll(): Promise<void> {}
