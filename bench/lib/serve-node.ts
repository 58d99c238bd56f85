// A child process for bench/runtimes.ts: the four workers on Node, as `npm run start:node` serves
// them (the gateway forwarding over HTTP), so that their CPU time is the process's own.
// Reads the workers' variables as JSON from BENCH_NODE_VARS; prints "ready <gateway url>".
import { httpService } from "../../shared/http/forward";
import { serveWorker } from "../../scripts/lib/node-host";
import auth from "../../workers/auth/index";
import booking from "../../workers/booking/index";
import gateway from "../../workers/gateway/index";
import search from "../../workers/search/index";

const vars = JSON.parse(process.env.BENCH_NODE_VARS ?? "{}") as Record<string, string>;
console.log = () => {}; // the access log
const a = await serveWorker(auth, vars);
const s = await serveWorker(search, vars);
const b = await serveWorker(booking, vars);
const g = await serveWorker(gateway, { ...vars, AUTH: httpService(a.url), SEARCH: httpService(s.url), BOOKING: httpService(b.url) });
process.stdout.write(`ready ${g.url}\n`);
process.on("SIGTERM", () => process.exit(0));
