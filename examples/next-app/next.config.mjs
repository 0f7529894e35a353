// The example app's Next.js settings.
/** @type {import('next').NextConfig} */
const config = {
  // Latchkey's end-to-end test builds this app into its own folder (EXAMPLE_DIST_DIR); `.next` otherwise.
  distDir: process.env.EXAMPLE_DIST_DIR || ".next",
  poweredByHeader: false,
  // Latchkey's repository type-checks this app with its own `tsc`; its test build skips doing it twice.
  typescript: { ignoreBuildErrors: process.env.EXAMPLE_SKIP_TYPECHECK === "1" },
};

export default config;
