// Request-level attacks: emailed links from a forged Host / X-Forwarded-Host, the reset page's
// Referrer-Policy, oversize input (refused before any hashing, quickly, without a 5xx), and the
// Manager app's pages, route handlers and actions as a normal user.
import { expect, test } from "../e2e/test";
import { adminContext, BASE_URL, outbox, signUpAndConfirm, uniqueEmail, waitForMail } from "../e2e/helpers";
import { captureAction, cookieHeader, replayAction, freshPow } from "./http";

test("recovery links built from a forged Host or X-Forwarded-Host still use the configured base URL", async ({ page, browser, request }) => {
  const user = await signUpAndConfirm(page, "host");
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto("/recover");
  // The proof-of-work widget is drawn once the page has hydrated; a click before then posts without it.
  await p.locator("altcha-widget .altcha").waitFor();
  await p.getByLabel(/^Email/).fill(uniqueEmail("placeholder"));
  const action = await captureAction(p, () => p.getByRole("button", { name: "Send code" }).click(), { block: true });
  await ctx.close();

  const forged: Array<Record<string, string>> = [
    // The attacker's own client: Host, Origin and forwarding headers all point at their site.
    { host: "evil.example", origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    // Through the real site, with only the forwarding headers forged.
    { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example;proto=https" },
  ];
  for (const [i, headers] of forged.entries()) {
    // Each try after the 30-second recovery cooldown would wait; a fresh account per try instead.
    const target = i === 0 ? user.email : (await signUpAndConfirm(await (await browser.newContext()).newPage(), "host2")).email;
    const res = await replayAction(request, action, {
      cookie: "",
      fields: { identifier: target, altcha: await freshPow(request) },
      headers,
      origin: headers.origin,
    });
    expect(res.status(), JSON.stringify(headers)).toBeLessThan(500);
    const mail = await waitForMail(request, target, /Reset your Latchkey password/);
    const links = mail.body.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.startsWith(`${BASE_URL}/`), `link in the email: ${link}`).toBe(true);
    expect(mail.body).not.toContain("evil.example");
  }
});

test("the reset page and the other emailed-link pages send Referrer-Policy: no-referrer", async ({ request }) => {
  for (const path of [
    "/recover/reset?token=abcdefghijklmnopqrstuvwxyz0123456789",
    "/recover",
    "/confirm/email?token=abcdefghijklmnopqrstuvwxyz0123456789",
    "/signup/check-email?email=someone%40example.com",
  ]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    const values = res
      .headersArray()
      .filter((h) => h.name.toLowerCase() === "referrer-policy")
      .map((h) => h.value);
    // One effective value: the last policy token a browser reads must be no-referrer.
    const tokens = values
      .join(",")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    expect(tokens.at(-1), `${path}: ${values.join(" | ")}`).toBe("no-referrer");
  }
});

test("a 1 MB password and 10,000-character inputs are refused quickly, without a 5xx", async ({ browser, request }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto("/login");
  await p.getByLabel("Email or phone").fill("someone@example.com");
  await p.getByLabel("Password").fill("not the password at all");
  const login = await captureAction(p, () => p.getByRole("button", { name: "Sign in", exact: true }).click(), { block: true });
  await p.goto("/signup");
  const signupEmail = uniqueEmail("big");
  await p.getByLabel("Name").fill("Big Input");
  await p.getByLabel("Email").fill(signupEmail);
  await p.getByLabel("Password").fill("Amber kettle big ridge");
  const signup = await captureAction(p, () => p.getByRole("button", { name: "Create account" }).click(), { block: true });
  await ctx.close();

  const MB = "p".repeat(1024 * 1024);
  const TEN_K = "x".repeat(10_000);
  const cases: Array<{ name: string; action: typeof login; fields: Record<string, string> }> = [
    { name: "login: 1 MB password", action: login, fields: { password: MB } },
    { name: "login: 10,000-character password", action: login, fields: { password: TEN_K } },
    { name: "login: 10,000-character identifier", action: login, fields: { identifier: TEN_K } },
    { name: "signup: 1 MB password", action: signup, fields: { password: MB } },
    { name: "signup: 10,000-character password", action: signup, fields: { password: TEN_K } },
    { name: "signup: 10,000-character name and email", action: signup, fields: { name: TEN_K, email: `${TEN_K}@example.com` } },
  ];
  for (const c of cases) {
    const started = Date.now();
    const res = await replayAction(request, c.action, { cookie: "", fields: c.fields });
    const ms = Date.now() - started;
    // A megabyte never reaches the action: proxy.ts answers 413 for any body over 256 KiB.
    if (c.fields.password === MB) expect(res.status(), c.name).toBe(413);
    else expect(res.status(), c.name).toBeLessThan(500);
    expect(ms, `${c.name} answered in ${ms} ms`).toBeLessThan(3_000);
    const body = await res.text();
    expect(body, c.name).not.toContain("Something went wrong");
    expect(res.headers()["x-action-redirect"] ?? "", `${c.name} was not accepted`).toBe("");
  }
  // Refused at validation, before the password was hashed: no account was made, so nothing was
  // sent to the address (a new account gets its confirmation email before the answer).
  expect(await outbox(request, signupEmail)).toHaveLength(0);
});

test("the Manager app's pages, route handlers and actions refuse a normal user", async ({ page, browser, request }) => {
  await signUpAndConfirm(page, "not-admin");
  const userCookie = await cookieHeader(page.context());
  for (const path of [
    "/admin",
    "/admin/accounts",
    "/admin/audit-log",
    "/admin/audit-log/export",
    "/admin/settings/account",
    "/admin/settings/permissions",
    "/admin/settings/sms",
    "/admin/settings/regional",
    "/admin/settings/two-factor",
  ]) {
    const res = await request.get(path, { headers: { cookie: userCookie }, maxRedirects: 0 });
    expect(res.status(), path).toBe(404);
  }
  // An admin action (regional settings), captured from the admin's form and replayed with the user's cookie.
  const admin = await adminContext(browser);
  try {
    const ap = await admin.newPage();
    await ap.goto("/admin/settings/regional");
    const select = ap.getByLabel("Regional country");
    const current = await select.inputValue();
    await select.selectOption(current === "US" ? "GB" : "US");
    const save = await captureAction(ap, () => ap.getByRole("button", { name: "Save settings" }).click(), { block: true });
    for (const cookie of [userCookie, ""]) {
      const res = await replayAction(request, save, { cookie });
      expect(res.status()).toBeLessThan(500);
      expect(await res.text()).toMatch(/Not found\.|Your session has ended/);
    }
    await ap.goto("/admin/settings/regional");
    await expect(ap.getByLabel("Regional country")).toHaveValue(current);
  } finally {
    await admin.close();
  }
});
