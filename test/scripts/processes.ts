// Process trees from /proc, for the tests that check nothing outlives a stopped or killed parent.
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state[0] === "Z") return undefined; // a zombie has already exited
    return Number(state[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid === undefined) continue;
    byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of byParent.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Which of `pids` still run (zombies count as gone). */
export const alive = (pids: number[]) => pids.filter((pid) => parentOf(pid) !== undefined);

/** Waits until none of `pids` runs; resolves with how long that took, or the survivors after `timeoutMs`. */
export async function allGone(pids: number[], timeoutMs: number): Promise<{ ms: number; survivors: number[] }> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (alive(pids).length === 0) return { ms: Date.now() - start, survivors: [] };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ms: Date.now() - start, survivors: alive(pids) };
}
