// `npm run start:deno`: the workers on Deno (deno/main.ts: one process, the gateway on GATEWAY_PORT
// reaching the others in-process, the Cron Trigger through Deno.cron). This Node parent owns what
// is Node's by design, as under `npm start`: the embedded PostgreSQL, migrations, NATS and the
// notifier.
import { disconnectAll } from "#db-connection";
import { startDenoHost } from "./lib/deno-host";
import { runSelfHosted } from "./lib/self-hosted";
import { workers } from "./lib/system";

runSelfHosted("start:deno", async (system) => {
  await disconnectAll(); // start-up's own connections; the workers open theirs in Deno
  const vars = { auth: system.varsFor("auth"), search: system.varsFor("search"), booking: system.varsFor("booking"), gateway: system.varsFor("gateway") };
  const deno = await startDenoHost({
    vars,
    port: workers.find((w) => w.name === "gateway")!.port,
    echo: (line) => console.log(line.startsWith("[deno]") ? line : `[deno] ${line}`),
  });
  return { gatewayUrl: deno.url, runsHousekeeping: true, exited: deno.exited, stop: () => deno.stop() };
});
