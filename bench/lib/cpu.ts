// CPU time of process trees, from /proc (Linux): what a benchmark charges to each runtime.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, ms. */
  self: number;
  /** cutime + cstime: children it has reaped, ms. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    const n = (i: number) => Number(fields[i - 3]);
    return { pid, ppid: n(4), self: (n(14) + n(15)) * TICK_MS, reaped: (n(16) + n(17)) * TICK_MS };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * CPU ms used so far by the trees under `roots` (the roots and every descendant), including
 * descendants that already exited and were reaped inside the tree (a PostgreSQL backend per
 * connection ends up in the postmaster's cutime). The root's own reaped children are counted too.
 */
export function treeCpuMs(roots: number[]): number {
  const all = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const byPid = new Map(all.map((p) => [p.pid, p]));
  let total = 0;
  const seen = new Set<number>();
  const visit = (p: ProcStat) => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    total += p.self + p.reaped;
    for (const child of children.get(p.pid) ?? []) visit(child);
  };
  for (const root of roots) {
    const p = byPid.get(root);
    if (p) visit(p);
  }
  return total;
}

/** The pid of the PostgreSQL postmaster listening on `port` (from its pid file via /proc), if local. */
export function postmasterPid(): number | undefined {
  for (const p of allProcesses()) {
    if (p.ppid !== 1) continue;
    try {
      const cmd = readFileSync(`/proc/${p.pid}/cmdline`, "utf8");
      if (/(^|\/)postgres\0/.test(cmd) && cmd.includes("-D")) return p.pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

/** The CPU time of this process alone (the load driver), ms. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
