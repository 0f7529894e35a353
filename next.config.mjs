// The prerendered home page is answered without proxy.ts (nothing on it changes state), so its
// Content-Security-Policy is a fixed header. scripts/csp-hashes.mjs, run after the build, writes the
// page's policy — the one proxy.ts sends, with the hashes of its inline scripts for a nonce — into
// the built routes manifest. Until then this stand-in allows no script at all.
const PRERENDERED_PAGE_CSP = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Benchmarks and parallel test runs build into their own folder so they never clobber `.next`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite loads its WASM and data files from its own package folder at run time. oidc-provider must
  // not be bundled: minified class names break it (it keys its models' TTLs and storage on them).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "oidc-provider"],
  // The migrator and the common-password list are read from disk at run time.
  outputFileTracingIncludes: {
    "/**": ["./db/migrations/**/*", "./lib/passwords/common-passwords.txt"],
    // The proof-of-work widget's solver, served from node_modules by app/altcha/pbkdf2.js.
    "/altcha/pbkdf2.js": ["./node_modules/altcha/dist/workers/pbkdf2.js"],
  },
  poweredByHeader: false,
  experimental: {
    // A clean checkout (CI) has no build cache to reuse, so writing one only costs time there.
    turbopackFileSystemCacheForBuild: !process.env.CI,
    // Subresource Integrity: every script Next loads carries the hash of its file (integrity=…), so
    // a script altered on the way or on a CDN does not run; the CSP's nonces and hashes stay as they are.
    sri: { algorithm: "sha256" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      // Pages reached from emailed links carry a secret in the URL: never leak it in a Referer.
      ...["/recover/:path*", "/recover", "/confirm/email", "/signup/check-email"].map((source) => ({
        source,
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      })),
      { source: "/", headers: [{ key: "Content-Security-Policy", value: PRERENDERED_PAGE_CSP }] },
      // HSTS on every answer of an https site, the prerendered home page, files and API routes that
      // proxy.ts does not see included (the TLS proxy in front says so); proxy.ts also sends it when
      // the base URL is https. A browser ignores it over plain http anyway.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
      // Nor the parameters of an app's sign-in request (OpenID Connect) to the app or anyone else;
      // same-origin, not no-referrer: the sign-in forms must keep sending their Origin (B5).
      { source: "/oidc/:path*", headers: [{ key: "Referrer-Policy", value: "same-origin" }] },
    ];
  },
};

export default nextConfig;
