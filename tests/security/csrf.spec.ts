// CSRF (B5): server actions and route handlers refuse a foreign Origin and a missing Origin with a
// plain 403 before anything runs; login CSRF (signing the victim's browser into the attacker's
// account) fails the same way. `x-middleware-subrequest` (the header that once let requests skip
// Next's middleware) changes nothing.
import { expect, test } from "../e2e/test";
import { BASE_URL, fillLogin, signUpAndConfirm } from "../e2e/helpers";
import { captureAction, cookieHeader, EVIL, landing, replayAction, sessionCookiesSet } from "./http";

const SUBREQUEST_HEADERS = [
  "proxy:proxy:proxy:proxy:proxy",
  "middleware:middleware:middleware:middleware:middleware",
  "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
  "pages/_middleware",
];

test("login CSRF: the sign-in action from another origin or with no Origin gets 403 and no session", async ({ page, browser, request }) => {
  const attacker = await signUpAndConfirm(page, "csrf-login");
  const victim = await browser.newContext();
  const vp = await victim.newPage();
  const login = await captureAction(vp, () => fillLogin(vp, attacker.email, attacker.password), { block: true });
  await victim.close();

  for (const origin of [EVIL, "null", `${BASE_URL}.evil.example`, "http://localhost", null]) {
    const res = await replayAction(request, login, { origin, cookie: "" });
    expect(res.status(), `Origin ${origin ?? "(none)"}`).toBe(403);
    expect(sessionCookiesSet(res), `Origin ${origin ?? "(none)"}`).toEqual([]);
  }
  // Neither does the forbidden header let it through.
  for (const h of SUBREQUEST_HEADERS) {
    const res = await replayAction(request, login, { origin: EVIL, cookie: "", headers: { "x-middleware-subrequest": h } });
    expect(res.status(), `x-middleware-subrequest: ${h}`).toBe(403);
  }
  // The same request from the site's own origin signs in: the refusals above were the Origin check.
  const ok = await replayAction(request, login, { cookie: "" });
  expect(ok.status()).toBeLessThan(400);
  expect(sessionCookiesSet(ok)).toHaveLength(1);
});

test("a signed-in user's server action replayed from another origin does nothing", async ({ page, request }) => {
  await signUpAndConfirm(page, "csrf-action");
  const cookie = await cookieHeader(page.context());
  // The header's "Sign out" button posts a server action; capture it without letting it run.
  const signOut = await captureAction(page, () => page.getByRole("button", { name: "Sign out", exact: true }).first().click(), { block: true });

  for (const origin of [EVIL, null]) {
    const res = await replayAction(request, signOut, { origin, cookie });
    expect(res.status(), `Origin ${origin ?? "(none)"}`).toBe(403);
    expect(await res.text()).not.toContain("Something went wrong");
  }
  // Still signed in.
  expect((await landing(request, "/dashboard", cookie)).status).toBe(200);
  // From the site itself, the same request signs out.
  expect((await replayAction(request, signOut, { cookie })).status()).toBeLessThan(400);
  expect((await landing(request, "/dashboard", cookie)).location).toMatch(/\/login$/);
});

test("route handlers refuse state-changing requests from another origin or with no Origin", async ({ request }) => {
  const form = { callbackUrl: "/dashboard" };
  for (const path of ["/api/dev/outbox", "/api/me", "/api/cron/daily", "/api/altcha"]) {
    for (const origin of [EVIL, null]) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const res = await request.post(path, { form, headers, maxRedirects: 0 });
      expect(res.status(), `POST ${path} from ${origin ?? "(no Origin)"}`).toBe(403);
    }
    const smuggled = await request.post(path, { form, headers: { origin: EVIL, "x-middleware-subrequest": SUBREQUEST_HEADERS[0]! }, maxRedirects: 0 });
    expect(smuggled.status(), `POST ${path} with x-middleware-subrequest`).toBe(403);
  }
  // Other write methods too.
  for (const method of ["PUT", "PATCH", "DELETE"]) {
    const res = await request.fetch("/api/me", { method, headers: { origin: EVIL } });
    expect(res.status(), `${method} /api/me`).toBe(403);
  }
});

test("x-middleware-subrequest does not open protected pages", async ({ request }) => {
  for (const h of SUBREQUEST_HEADERS) {
    for (const path of ["/dashboard", "/account/security", "/admin", "/admin/accounts"]) {
      const res = await request.get(path, { maxRedirects: 0, headers: { "x-middleware-subrequest": h } });
      const ok = res.status() === 404 || (res.status() >= 300 && res.status() < 400 && /\/login$/.test(res.headers()["location"] ?? ""));
      expect(ok, `${path} with x-middleware-subrequest: ${h} answered ${res.status()}`).toBe(true);
    }
  }
});
