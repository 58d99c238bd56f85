// A parent for test/scripts/supervisor.test.ts: supervises a Node child (which spawns a grandchild
// of its own), a non-Node program, and a child that dies at once, then prints one JSON line with
// their pids. TOY_BACKOFF_MS sets the first restart delay.
import { forkTs, readyMessage, spawnProgram, Supervisor } from "../../scripts/lib/supervisor";

const supervisor = new Supervisor({
  say: (line) => console.log(`[toy] ${line}`),
  initialBackoffMs: Number(process.env.TOY_BACKOFF_MS ?? 100),
  maxBackoffMs: 1_000,
  stopTimeoutMs: 2_000,
});
const node = await supervisor.start({
  name: "node-child",
  group: true,
  spawn: () => forkTs("test/scripts/toy-child.ts"),
  ready: (child) => readyMessage(child),
});
const program = await supervisor.start({ name: "program", group: true, spawn: () => spawnProgram("sleep", ["600"]) });
if (process.env.TOY_FLAKY === "1") {
  await supervisor.start({ name: "flaky", group: true, spawn: () => spawnProgram("sh", ["-c", "echo giving up; exit 3"]) });
}
process.on("SIGTERM", () => {
  void supervisor.stop().then(() => {
    supervisor.release();
    process.exit(0);
  });
});
console.log(JSON.stringify({ node: node.pid, program: program.pid }));
