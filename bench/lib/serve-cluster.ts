// For bench/runtimes.ts: `npm run start:node`'s API processes (scripts/lib/api-processes.ts) without
// the rest of the system. NODE_HOST_OPTIONS as scripts/serve-node.ts reads it, NODE_PROCESSES how
// many; reports ready (IPC) with the gateway's URL.
import { startApiProcesses } from "../../scripts/lib/api-processes";
import { reportReady, stopWithParent, Supervisor } from "../../scripts/lib/supervisor";

const supervisor = new Supervisor({ say: (line) => console.error(line) });
const options = JSON.parse(process.env.NODE_HOST_OPTIONS ?? "{}");
delete process.env.NODE_HOST_OPTIONS;
const url = await startApiProcesses(supervisor, Number(process.env.NODE_PROCESSES ?? 2), options);
stopWithParent(async () => {
  await supervisor.stop();
  supervisor.release();
});
reportReady({ url });
