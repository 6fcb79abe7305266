// Linter: typescript-eslint's recommended rules over the program, the CLI, the policy pack and the tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "policy-pack/node_modules/**",
      "out/**",
      "bin/**",
      "policy-pack/bin/**",
      "reports/**",
      ".stryker-tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // CommonJS configuration files run by Node (mocha's).
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", process: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-console": "off",
    },
  },
  {
    // No function over 80 lines in the program, the components, the CLI and the pack (tests aside).
    files: ["index.ts", "components/**/*.ts", "src/**/*.ts", "policy-pack/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, IIFEs: true }] },
  },
  {
    // Tests read parsed JSON (task definitions, dashboards) by path; `any` there is the honest type.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
