// Holds and payments through a running system's gateway (npm start, npm run dev or start:node),
// counting every answer by status and printing each 5xx: the probe behind docs/reliability.md's
// "503s on payments under workerd". Signs up PAY_BURST_USERS customers (16), then each loops
// hold → pay for BENCH_DURATION_MS (30 s).
//   GATEWAY_URL=http://127.0.0.1:8787 DATABASE_URL=… npx tsx bench/pay-burst.ts
import postgres from "postgres";

const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8787";
const users = Number(process.env.PAY_BURST_USERS ?? 16);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 30_000);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body?: Record<string, any> }> {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> | undefined };
}

const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
const flights = (await sql`select id from flights where departure_time > now() + interval '2 days' order by random() limit 500`).map((f) => f.id as string);
await sql.end();

const run = crypto.randomUUID().slice(0, 8);
const tokens: string[] = [];
for (let i = 0; i < users; i++) {
  const email = `burst-${run}-${i}@example.com`;
  await call("POST", "/api/v1/auth/signup", { email, password: "burst-password-1", name: `Burst ${i}` });
  const login = await call("POST", "/api/v1/auth/login", { email, password: "burst-password-1" });
  if (login.status !== 200) throw new Error(`login ${login.status}: ${JSON.stringify(login.body)}`);
  tokens.push(login.body!.data.accessToken);
}

const counts = new Map<string, number>();
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const deadline = Date.now() + durationMs;
await Promise.all(
  tokens.map(async (token) => {
    while (Date.now() < deadline) {
      const flightId = flights[Math.floor(Math.random() * flights.length)];
      const hold = await call("POST", "/api/v1/bookings", { flightId, passengers: [{ name: "Burst" }] }, token).catch((e) => ({ status: 0, body: { e: String(e) } as Record<string, any> }));
      count(`hold ${hold.status}`);
      if (hold.status >= 500 || hold.status === 0) out(`${new Date().toISOString()} hold ${hold.status} ${JSON.stringify(hold.body)}`);
      if (hold.status !== 201) continue;
      const paid = await call("POST", `/api/v1/bookings/${hold.body!.data.id}/payments`, { amount: hold.body!.data.totalAmount }, token).catch((e) => ({
        status: 0,
        body: { e: String(e) } as Record<string, any>,
      }));
      count(`pay ${paid.status}`);
      if (paid.status >= 500 || paid.status === 0) out(`${new Date().toISOString()} pay ${paid.status} ${JSON.stringify(paid.body)}`);
    }
  }),
);
out(JSON.stringify(Object.fromEntries([...counts].sort())));
