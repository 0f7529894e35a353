// Lint rules that fail the build: Next's and TypeScript's, Drizzle's guards, and the layer rules of docs/architecture.md.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";
import tseslint from "typescript-eslint";

/** `eslint-disable` comments must give their reason after `--`, on the same line. */
const reasons = {
  rules: {
    "disable-needs-reason": {
      meta: { type: "problem", schema: [], messages: { missing: "Say why after `--` on the same line: `eslint-disable-next-line rule -- reason`." } },
      create(context) {
        return {
          Program() {
            for (const comment of context.sourceCode.getAllComments()) {
              const text = comment.value.trim();
              if (/^eslint-disable/.test(text) && !/\s--\s*\S/.test(text)) context.report({ loc: comment.loc, messageId: "missing" });
            }
          },
        };
      },
    },
  },
};

/** Imports a layer may not make: each entry is a folder and what it must not reach. */
const layer = (files, patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next*/**",
      "tests/.tmp/**",
      "test-results/**",
      "playwright-report/**",
      "db/migrations/**",
      "next-env.d.ts",
      "public/**",
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    plugins: { drizzle, latchkey: reasons },
    rules: {
      // An update or delete without a where clause changes every row: never on purpose here.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "q", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "q", "tx"] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "latchkey/disable-needs-reason": "error",
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  // Layers point one way: app → components → lib → db.
  layer(["components/**"], [{ group: ["@/app/*", "@/app/**"], message: "components/ must not import app/: pass actions in as props." }]),
  layer(
    ["lib/**"],
    [
      { group: ["@/app/*", "@/app/**"], message: "lib/ must not import app/." },
      { group: ["@/components/*", "@/components/**"], message: "lib/ must not import components/." },
    ],
  ),
  layer(
    ["db/**"],
    [
      { group: ["@/lib/*", "@/lib/**", "../lib/*"], message: "db/ must not import lib/: the configuration is passed in (lib/db.ts)." },
      { group: ["@/app/*", "@/components/*"], message: "db/ must not import app/ or components/." },
    ],
  ),
  {
    files: ["tests/**", "scripts/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "react-hooks/rules-of-hooks": "off",
    },
  },
);
