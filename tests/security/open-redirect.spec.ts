// Open redirects (B5): every "next"/callback parameter leads only to a same-origin path, whatever
// is smuggled into it — protocol-relative, backslash, scheme-only, encoded, javascript: and friends.
import { type APIResponse } from "@playwright/test";
import { expect, test } from "../e2e/test";
import { BASE_URL, newUser, signOut, signUpAndConfirm } from "../e2e/helpers";
import { registerByPhone, smsCode, smsCount } from "../e2e/phone-helpers";
import { captureAction, replayAction } from "./http";

export const VECTORS = [
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "https:evil.example",
  "https://evil.example",
  "%2F%2Fevil.example",
  "/%2F%2Fevil.example",
  "%2F%5Cevil.example",
  "/.//evil.example",
  "/\t/evil.example",
  " //evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java%0ascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  `${BASE_URL}@evil.example`,
  "http://evil.example/login",
];

const origin = new URL(BASE_URL).origin;

/** A redirect target is safe when it resolves to this site and is not a script URL. */
function expectSameOrigin(target: string | null | undefined, what: string) {
  expect(target, what).toBeTruthy();
  const url = new URL(target!, BASE_URL);
  expect(url.origin, `${what}: ${target}`).toBe(origin);
  expect(target!.trim().startsWith("//") || (/^[a-z][a-z0-9+.-]*:/i.test(target!.trim()) && !target!.startsWith(origin)), `${what}: ${target}`).toBe(false);
}

/** Where a server action's answer sends the browser (Next puts it in x-action-redirect). */
const actionRedirect = (res: APIResponse) => (res.headers()["x-action-redirect"] ?? res.headers()["location"] ?? "").split(";")[0];

test("/login?next= and /login/phone?next= render only same-origin targets", async ({ page }) => {
  for (const v of VECTORS) {
    for (const path of ["/login", "/login/phone"]) {
      await page.goto(`${path}?next=${encodeURIComponent(v)}`);
      const hidden = page.locator('input[type="hidden"][name="next"]');
      // The form carries a (sanitised) next: the checks below must have something to look at.
      expect(await hidden.count(), `${path}?next=${v} has a hidden next field`).toBeGreaterThan(0);
      for (const value of await hidden.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))) {
        expectSameOrigin(value, `${path}?next=${v} → hidden next`);
      }
      // The phone-code link on /login carries next along: it must be sanitised too.
      for (const href of await page.locator("a[href]").evaluateAll((els) => els.map((e) => e.getAttribute("href")!))) {
        expect(href.includes("evil.example") || /^(javascript|data|vbscript):/i.test(href), `${path}?next=${v} → link ${href}`).toBe(false);
      }
    }
  }
});

test("the sign-in action ignores a tampered next field and lands on the dashboard", async ({ page, browser, request }) => {
  const user = await signUpAndConfirm(page, "redirect");
  const other = await browser.newContext();
  const op = await other.newPage();
  await op.goto("/login?next=/account/security");
  await op.getByLabel("Email or phone").fill(user.email);
  await op.getByLabel("Password").fill(user.password);
  const login = await captureAction(op, () => op.getByRole("button", { name: "Sign in", exact: true }).click(), { block: true });
  await other.close();
  // Sanity: the untouched request honours a same-origin next.
  const fine = await replayAction(request, login, { cookie: "", fields: { next: "/account/security" } });
  expect(actionRedirect(fine)).toMatch(/\/account\/security$/);
  for (const v of VECTORS) {
    const res = await replayAction(request, login, { cookie: "", fields: { next: v } });
    expect(res.status(), `next=${v}`).toBeLessThan(400);
    const target = actionRedirect(res);
    expectSameOrigin(target, `sign-in with next=${v}`);
    expect(target, `next=${v}`).toMatch(/\/dashboard$/);
  }
});

test("the former /api/auth endpoints lead nowhere, whatever callbackUrl says", async ({ request }) => {
  for (const v of VECTORS) {
    for (const path of ["/api/auth/signin", "/api/auth/signout", "/api/auth/error", "/api/auth/signin/credentials", "/api/auth/session"]) {
      const res = await request.get(`${path}?callbackUrl=${encodeURIComponent(v)}`, { maxRedirects: 0 });
      expect(res.status(), `${path}?callbackUrl=${v}`).toBe(404);
      const location = res.headers()["location"];
      if (location) expectSameOrigin(location, `${path}?callbackUrl=${v} → Location`);
      expect(await res.text(), `${path}?callbackUrl=${v} body`).not.toMatch(/(href|action|url)=["']?(https?:)?\/\/evil\.example/i);
    }
    const out = await request.post("/api/auth/signout", { form: { callbackUrl: v }, headers: { origin }, maxRedirects: 0 });
    expect(out.status(), `POST /api/auth/signout callbackUrl=${v}`).toBeLessThan(500);
    const location = out.headers()["location"];
    if (location) expectSameOrigin(location, `POST /api/auth/signout callbackUrl=${v} → Location`);
  }
});

test("the phone sign-in carries a tampered next through its code step and still lands on the dashboard", async ({ browser }) => {
  for (const v of ["//evil.example", "/\\evil.example", "https:evil.example", "javascript:alert(1)"]) {
    // A number of its own per try (a number may ask for a new code only every 30 seconds), and a
    // browser of its own (a browser may ask for 5 codes an hour).
    const context = await browser.newContext();
    const page = await context.newPage();
    const user = newUser("redirect-phone");
    const phone = await registerByPhone(page, { name: user.name, email: user.email });
    await signOut(page);
    const before = await smsCount(page.request, phone.e164);
    await page.goto("/login/phone?next=%2Fprofiles");
    // What a forged form would post: the hidden field rewritten after the page sanitised it.
    await page.locator('input[type="hidden"][name="next"]').evaluate((el, value) => ((el as HTMLInputElement).value = value), v);
    await page.getByLabel("Phone number").fill(phone.national);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByLabel("Code")).toBeVisible();
    await page.getByLabel("Code").fill(await smsCode(page.request, phone.e164, before));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page, `next=${v}`).toHaveURL(`${BASE_URL}/dashboard`);
    await context.close();
  }
});
