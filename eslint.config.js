import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".data/", ".wrangler/", "dist/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: ["test/**/*.ts", "bench/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  {
    // Edge-safe code: workers and shared code use web-standard APIs only. The exceptions are the
    // Node-only halves of the runtime seams (see package.json "imports"). The notifier, a
    // long-running Node process, lives in notifier/, outside this rule.
    files: ["workers/**/*.ts", "shared/**/*.ts"],
    ignores: ["shared/password/native.ts", "workers/gateway/docs/assets-node.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "Worker code must be edge-safe: use web-standard APIs." },
            { group: ["@node-rs/*"], message: "Native addons cannot load in workerd: import #password." },
            { group: ["**/pool-node", "**/pool-workerd"], message: "Import #db-connection (the runtime seam)." },
          ],
        },
      ],
    },
  },
);
