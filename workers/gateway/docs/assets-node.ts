// Node: Swagger UI's files read from the installed package, once.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(require.resolve(`swagger-ui-dist/${file}`), "utf8");
    cache.set(file, text);
  }
  return text;
}

export const swaggerUiScript = () => read("swagger-ui-bundle.js");
export const swaggerUiStyles = () => read("swagger-ui.css");
