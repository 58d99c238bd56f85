// A supervised Node child for test/scripts/supervisor.test.ts: it starts a grandchild (`sleep`) in
// its process group, reports ready with the grandchild's pid, and stops when told or orphaned.
import { spawn } from "node:child_process";
import { reportReady, stopWithParent } from "../../scripts/lib/supervisor";

const grandchild = spawn("sleep", ["600"], { stdio: "ignore" });
stopWithParent(async () => {
  grandchild.kill();
});
console.log(`grandchild ${grandchild.pid}`);
reportReady({ grandchild: grandchild.pid });
setInterval(() => {}, 60_000);
