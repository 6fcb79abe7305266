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
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-console": "off",
    },
  },
  {
    // Tests read parsed JSON (task definitions, dashboards) by path; `any` there is the honest type.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
