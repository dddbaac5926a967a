// @ts-check
// Lint with type information (typescript-eslint's recommendedTypeChecked, through the
// TypeScript project service), plus the folder rules the architecture relies on.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** What the core must never import: transports, storage, the edges and the adapters. */
export const CORE_FORBIDDEN = {
  paths: [
    "pg",
    "@electric-sql/pglite",
    "fastify",
    "commander",
    "ioredis",
    "bullmq",
    "cli-progress",
    "prom-client",
  ].map((name) => ({
    name,
    message: "src/enrichment is the core: it reaches the outside only through its own ports.",
  })),
  patterns: [
    {
      group: ["@fastify/*", "fastify-*", "@electric-sql/*"],
      message: "src/enrichment is the core: no transport.",
    },
    {
      group: [
        "**/db/**",
        "**/http/**",
        "**/cli/**",
        "**/jobs/**",
        "**/llm/**",
        "**/contract/**",
        "**/observability/**",
        "**/testing/**",
        "**/composition-root.js",
      ],
      message:
        "src/enrichment is the core: adapters and edges import it, never the other way round (define a port in the core).",
    },
  ],
};

/** Storage knows nothing of HTTP or the command line. */
export const DB_FORBIDDEN = {
  paths: ["fastify", "commander"].map((name) => ({
    name,
    message: "src/db is storage: no HTTP, no CLI.",
  })),
  patterns: [
    {
      group: ["@fastify/*", "fastify-*", "**/http/**", "**/cli/**", "**/contract/**"],
      message: "src/db is storage: no HTTP, no CLI.",
    },
  ],
};

export default tseslint.config(
  { ignores: [".bench-build/", "dist/", "node_modules/", ".rescue-llm/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Fastify plugins and hooks are async by convention, and so are the fakes tests hand
      // to promise-taking options; an await they do not need would only be noise.
      "@typescript-eslint/require-await": "off",
      "no-console": "off",
    },
  },
  {
    // Tests read HTTP answers and printed JSON as `any` and assert on their shape; typing
    // each one first would restate the schema under test.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["src/enrichment/**/*.ts"],
    rules: { "no-restricted-imports": ["error", CORE_FORBIDDEN] },
  },
  { files: ["src/db/**/*.ts"], rules: { "no-restricted-imports": ["error", DB_FORBIDDEN] } },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
  {
    // The review pages' few lines of browser script: plain JavaScript, no TypeScript project.
    files: ["assets/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { htmx: "readonly" },
    },
  },
);
