// The development pooling relay as a process of its own (benchmarks run it apart, to count its CPU):
// `tsx scripts/dev-pooler.ts postgres://user:pw@host:port/db [port] [max]`. Prints "listening <port>".
import { startPgPooler } from "./lib/pg-pooler";

const [target, port, max] = process.argv.slice(2);
if (!target) {
  console.error("usage: tsx scripts/dev-pooler.ts <postgres url> [port] [max]");
  process.exit(2);
}
const pooler = await startPgPooler({ target, port: Number(port ?? 0), max: Number(max ?? 10) });
console.log(`listening ${pooler.port}`);
const stop = () => void pooler.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
