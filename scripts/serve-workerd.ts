// The workers under workerd (Miniflare), as a process of `npm start`'s: started and restarted by
// its supervisor, which passes WORKERD_OPTIONS (JSON: scripts/lib/miniflare.ts WorkerdOptions
// without `log`). Fires each worker's Cron Triggers on their schedule, as Cloudflare would, and
// stops (workerd with it) when told to or when its parent is gone.
import { log } from "../shared/http/log";
import { cronMatches, startWorkerd, type WorkerdOptions } from "./lib/miniflare";
import { guardSocketErrors } from "./lib/relay-guard";
import { reportReady, stopWithParent } from "./lib/supervisor";

guardSocketErrors(); // before Miniflare loads: its Hyperdrive relay leaves socket errors unhandled
const options = JSON.parse(process.env.WORKERD_OPTIONS ?? "{}") as WorkerdOptions;
delete process.env.WORKERD_OPTIONS; // secrets: not for workerd's environment
const workerd = await startWorkerd(options);

let tick: ReturnType<typeof setTimeout> | undefined;
const everyMinute = () => {
  tick = setTimeout(() => {
    const now = new Date();
    for (const [worker, crons] of Object.entries(workerd.crons)) {
      for (const cron of crons.filter((c) => cronMatches(c, now))) {
        workerd.scheduled(worker, cron).catch((err) => log("error", "scheduled handler failed", { worker, cron, error: String(err) }));
      }
    }
    everyMinute();
  }, 60_000 - (Date.now() % 60_000) + 50);
};
everyMinute();

stopWithParent(async () => {
  clearTimeout(tick);
  await workerd.dispose();
});
reportReady({ url: workerd.url });
