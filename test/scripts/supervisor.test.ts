// The supervisor behind `npm start` and `npm run start:node` (scripts/lib/supervisor.ts), with toy
// children: a dead child comes back with back-off and a logged reason; SIGTERM stops every process
// it started (grandchildren included); a parent killed outright leaves no orphans behind.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { alive, allGone, processTree } from "./processes";

interface Toy {
  parent: ChildProcess;
  lines: string[];
  pids: { node: number; program: number };
}

const started: ChildProcess[] = [];

async function startToy(env: Record<string, string> = {}): Promise<Toy> {
  const parent = spawn(process.execPath, ["--import", "tsx", "test/scripts/toy-parent.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push(parent);
  const lines: string[] = [];
  const pids = await new Promise<Toy["pids"]>((resolve, reject) => {
    createInterface({ input: parent.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line.startsWith("{")) resolve(JSON.parse(line));
    });
    parent.once("exit", (code) => reject(new Error(`toy parent exited (${code}):\n${lines.join("\n")}`)));
  });
  return { parent, lines, pids };
}

const waitFor = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
};

afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null) p.kill("SIGKILL");
});

describe("the supervisor", () => {
  it("restarts a child that was killed, and says why it died", async () => {
    const toy = await startToy();
    process.kill(toy.pids.node, "SIGKILL");
    expect(await waitFor(() => toy.lines.some((l) => /node-child restarted \(pid \d+\)/.test(l)), 15_000)).toBe(true);
    expect(toy.lines.join("\n")).toMatch(new RegExp(`node-child \\(pid ${toy.pids.node}\\) died after .*killed by SIGKILL; restarting in 100 ms`));
    // The killed child's grandchild went with it: only the new instance's tree runs.
    const tree = processTree(toy.parent.pid!);
    expect(tree.filter((pid) => pid === toy.pids.node)).toEqual([]);
    toy.parent.kill("SIGTERM");
  });

  it("backs off a child that keeps dying, with its last output in the log", async () => {
    const toy = await startToy({ TOY_FLAKY: "1" });
    expect(await waitFor(() => toy.lines.filter((l) => /flaky .* died/.test(l)).length >= 4, 15_000)).toBe(true);
    const delays = toy.lines.filter((l) => /flaky .* died/.test(l)).map((l) => Number(/restarting in (\d+) ms/.exec(l)![1]));
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(toy.lines.join("\n")).toMatch(/exit code 3; restarting in \d+ ms\n\s+last output: giving up/);
    toy.parent.kill("SIGTERM");
  });

  it("stops every child and grandchild within a few seconds of SIGTERM", async () => {
    const toy = await startToy();
    const tree = processTree(toy.parent.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(5); // parent, reaper, node child, its sleep, the program
    toy.parent.kill("SIGTERM");
    const { ms, survivors } = await allGone(tree, 5_000);
    expect(survivors).toEqual([]);
    expect(ms).toBeLessThan(5_000);
  });

  it("leaves no orphans when the parent is killed outright (SIGKILL)", async () => {
    const toy = await startToy();
    const tree = processTree(toy.parent.pid!).filter((pid) => pid !== toy.parent.pid);
    expect(alive([toy.pids.program])).toEqual([toy.pids.program]);
    toy.parent.kill("SIGKILL");
    const { survivors } = await allGone(tree, 6_000);
    expect(survivors).toEqual([]);
  });
});
