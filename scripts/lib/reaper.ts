// The reaper: a tiny process that outlives its parent only to stop what the parent started.
//
// Node has no PR_SET_PDEATHSIG, and what a start script runs is not all Node (nats-server, the
// embedded PostgreSQL's postmaster, the workerd under Miniflare), so those cannot watch an IPC
// channel to notice that their parent was killed outright (SIGKILL, the OOM killer). The parent
// starts this first, with a pipe to its stdin, and tells it what to stop: `group <pgid> [SIGNAL]`
// (a process group: the child and everything it spawned), `pid <pid> [SIGNAL]`, `forget <id>`.
// When the pipe closes, however the parent ended, it signals everything still registered, waits
// up to REAPER_GRACE_MS (3 s) for them to go, then SIGKILLs what is left, and exits. A parent that
// stopped its children itself has forgotten them first, so then there is nothing to do.
import { createInterface } from "node:readline";

interface Target {
  group: boolean;
  id: number;
  signal: NodeJS.Signals;
}

const targets = new Map<string, Target>();
const GRACE_MS = Number(process.env.REAPER_GRACE_MS ?? 3_000);

// Ctrl-C reaches a whole foreground process group; the reaper acts only once its parent is gone.
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});

const send = (t: Target, signal: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(t.group ? -t.id : t.id, signal);
    return true;
  } catch {
    return false; // gone
  }
};

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const [verb, id, signal] = line.trim().split(/\s+/);
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 1) return;
    if (verb === "forget") {
      if (!targets.delete(`group ${n}`)) targets.delete(`pid ${n}`);
    } else if (verb === "group" || verb === "pid") {
      targets.set(`${verb} ${n}`, { group: verb === "group", id: n, signal: (signal as NodeJS.Signals) ?? "SIGTERM" });
    }
  })
  .on("close", () => void reap());

async function reap() {
  let alive = [...targets.values()].filter((t) => send(t, t.signal));
  const deadline = Date.now() + GRACE_MS;
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter((t) => send(t, 0));
  }
  for (const t of alive) send(t, "SIGKILL");
  process.exit(0);
}
