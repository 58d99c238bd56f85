// A Deno entry for bench/runtimes.ts: deno/main.ts with the access log silenced, as
// bench/lib/serve-node.ts silences Node's, so that neither runtime pays for one line per request.
export {};
const log = console.log;
console.log = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].startsWith("[deno]")) log(...args);
};
await import("../../deno/main.ts");
