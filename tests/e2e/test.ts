// The `test` every browser spec uses: Playwright's, with one automatic check added — no page of any
// test may log a Content-Security-Policy violation (B5), and every page the test navigates to must
// carry a CSP header (a page that missed the proxy cannot pass silently).
import { test as base, expect } from "@playwright/test";

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context, browser }, use) => {
      const violations: string[] = [];
      const missingHeader: string[] = [];
      const watch = async (page: import("@playwright/test").Page) => {
        page.on("console", (m) => {
          if (/Content Security Policy|Refused to (load|execute|apply|create|frame|connect)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
        });
        page.on("response", (r) => {
          if (r.request().resourceType() !== "document" || r.status() >= 300) return;
          if (!r.headers()["content-security-policy"]) missingHeader.push(r.url());
        });
        await page
          .exposeFunction("__cspViolation", (s: string) => violations.push(s))
          .catch(() => {
            // Already exposed on this page.
          });
      };
      const guard = async (ctx: import("@playwright/test").BrowserContext) => {
        await ctx.addInitScript(() => {
          document.addEventListener("securitypolicyviolation", (e) => {
            const w = window as unknown as { __cspViolation?: (s: string) => void };
            w.__cspViolation?.(`${e.effectiveDirective} ${e.blockedURI || "inline"} @ ${e.documentURI}`);
          });
        });
        for (const page of ctx.pages()) await watch(page);
        ctx.on("page", (page) => void watch(page));
      };
      await guard(context);
      // Contexts a test opens itself (a second browser, the admin's) are watched the same way.
      const newContext = browser.newContext;
      browser.newContext = async (...args) => {
        const ctx = await newContext.apply(browser, args);
        await guard(ctx);
        return ctx;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      expect(violations, "Content-Security-Policy violations").toEqual([]);
      expect(missingHeader, "pages without a Content-Security-Policy header").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
