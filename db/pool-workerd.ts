// workerd: a socket belongs to the request that opened it (its I/O context; another request
// touching it throws "Cannot perform I/O on behalf of a different request", and the runtime closes
// it when the request ends), so each request gets its own client. Never call sql.end() here: it
// leaves an unhandled "Stream was cancelled" in workerd; the runtime closes the socket itself.
//
// `prepare: false`: a named prepared statement would die with the request's connection anyway,
// and postgres.js sends a statement with parameters in two round trips whether it is named or not
// (Parse/Describe, then Bind/Execute), so preparing saves nothing here. Unnamed statements also let
// a transaction-pooling relay (Hyperdrive deployed, scripts/lib/pg-pooler.ts locally) hand each
// transaction to any server connection. `fetch_types: false` saves the type query a new connection
// would otherwise send first.
import postgres from "postgres";

export function connect(url: string): postgres.Sql {
  return postgres(url, { max: 1, fetch_types: false, prepare: false, onnotice: () => {} });
}

export async function disconnectAll(): Promise<void> {}
