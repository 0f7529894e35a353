// Hardening of the production build, each case proved over HTTP: the
// Content-Security-Policy of every page, the Origin check's scheme, the old cookie of a session ended
// on the server, NUL bytes in searches and fields, unparsable multipart bodies, and phone numbers
// of other accounts on the security tab.
import { createHash } from "node:crypto";
import { type APIRequestContext } from "@playwright/test";
import { expect, test } from "../e2e/test";
import { adminContext, BASE_URL, signOut, signUpAndConfirm, waitForMail } from "../e2e/helpers";
import { registerByPhone, smsCount, uniquePhone } from "../e2e/phone-helpers";
import { captureAction, cookieHeader, replayAction } from "./http";

const directives = (csp: string) =>
  new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k!, v] as const),
  );

async function cspOf(request: APIRequestContext, path: string, cookie?: string) {
  const res = await request.get(path, { maxRedirects: 0, headers: cookie ? { cookie } : {} });
  const csp = res.headers()["content-security-policy"];
  expect(csp, `${path}: a Content-Security-Policy header`).toBeTruthy();
  return { res, csp: directives(csp!) };
}

test("every page has a strict CSP: a fresh nonce with 'strict-dynamic' when rendered on request, hashes when prerendered", async ({ page, request }) => {
  await signUpAndConfirm(page, "csp");
  const cookie = await cookieHeader(page.context());
  const nonces = new Set<string>();
  for (const [path, who] of [
    ["/login", undefined],
    ["/signup", undefined],
    ["/register/phone", undefined],
    ["/recover", undefined],
    ["/no-such-page", undefined],
    ["/dashboard", cookie],
    ["/account/security", cookie],
  ] as const) {
    const { csp, res } = await cspOf(request, path, who);
    const script = csp.get("script-src")!;
    const nonce = script.find((s) => s.startsWith("'nonce-"));
    expect(nonce, `${path}: a nonce`).toBeTruthy();
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    nonces.add(nonce!);
    // Next stamps its own scripts with it.
    const html = await res.text();
    expect(html).toContain(`nonce="${nonce!.slice(7, -1)}"`);
    for (const [k, v] of [
      ["object-src", "'none'"],
      ["base-uri", "'none'"],
      ["frame-ancestors", "'none'"],
      ["form-action", "'self'"],
    ] as const) {
      expect(csp.get(k), `${path}: ${k}`).toEqual([v]);
    }
  }
  expect(nonces.size, "a new nonce for every response").toBe(7);
  // The home page is prerendered: no nonce, the hashes of its inline scripts.
  const home = await cspOf(request, "/");
  const script = home.csp.get("script-src")!;
  expect(script.some((s) => s.startsWith("'nonce-"))).toBe(false);
  expect(script.filter((s) => s.startsWith("'sha256-")).length).toBeGreaterThan(0);
  expect(script).not.toContain("'unsafe-inline'");
  // On this plain-http test site there is no HSTS (an https:// base URL sends it: tests/unit/proxy.test.ts).
  expect(home.res.headers()["strict-transport-security"]).toBeUndefined();
  // Behind a TLS proxy (X-Forwarded-Proto: https) every answer carries HSTS: the prerendered page,
  // a rendered one, an API route and a static file, which proxy.ts does not see.
  const https = { "x-forwarded-proto": "https" };
  for (const path of ["/", "/login", "/api/me", "/.well-known/openid-configuration", "/oidc.css"]) {
    const res = await request.get(path, { headers: https, maxRedirects: 0 });
    expect(res.headers()["strict-transport-security"], `${path} over https`).toBe("max-age=63072000; includeSubDomains");
  }
  // The prerendered page runs under its hashes (the test's guard fails on any violation).
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("Subresource Integrity: the framework's scripts carry the hash of their file, on rendered and prerendered pages", async ({ request }) => {
  for (const path of ["/", "/login"]) {
    const html = await (await request.get(path)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)]
      .map((m) => ({ src: / src="([^"]+)"/.exec(m[1]!)?.[1], integrity: / integrity="([^"]+)"/.exec(m[1]!)?.[1] }))
      .filter((x) => x.src);
    const signed = scripts.filter((x) => x.integrity);
    expect(signed.length, `${path}: scripts with integrity`).toBeGreaterThan(0);
    for (const { src, integrity } of signed) {
      const body = await (await request.get(src!)).body();
      expect(integrity, `${path}: ${src}`).toBe(`sha256-${createHash("sha256").update(body).digest("base64")}`);
    }
  }
});

test("the Origin check includes the scheme: an https:// Origin of this http:// site is refused", async ({ page, request }) => {
  await signUpAndConfirm(page, "scheme");
  const cookie = await cookieHeader(page.context());
  const signOutAction = await captureAction(page, () => page.getByRole("button", { name: "Sign out", exact: true }).first().click(), { block: true });
  const httpsTwin = BASE_URL.replace(/^http:/, "https:");
  const res = await replayAction(request, signOutAction, { origin: httpsTwin, cookie });
  expect(res.status()).toBe(403);
  expect((await request.get("/dashboard", { maxRedirects: 0, headers: { cookie } })).status()).toBe(200);
});

test("a session ended on the server opens nothing with its old cookie, and signing out clears the cookie", async ({ page, request }) => {
  await signUpAndConfirm(page, "session-endpoint");
  const cookie = await cookieHeader(page.context());
  expect((await request.get("/dashboard", { maxRedirects: 0, headers: { cookie } })).status()).toBe(200);
  await signOut(page);
  expect(
    (await page.context().cookies()).some((c) => /latchkey\.session$/.test(c.name)),
    "the browser holds no session cookie",
  ).toBe(false);
  const ended = await request.get("/dashboard", { maxRedirects: 0, headers: { cookie } });
  expect(ended.status()).toBe(307);
  expect(ended.headers()["location"]).toMatch(/\/login$/);
});

test("no 500 on bad bytes: a NUL in searches and fields, and multipart bodies that do not parse", async ({ browser, page, request }) => {
  const admin = await adminContext(browser);
  try {
    const ap = await admin.newPage();
    for (const path of ["/admin/accounts?q=%00", "/admin/accounts?q=a%00b", "/admin/audit-log?user=%00x"]) {
      const res = await ap.goto(path);
      expect(res!.status(), path).toBe(200);
      await expect(ap.getByText("This contains characters that are not allowed.").first(), path).toBeVisible();
    }
    expect((await ap.request.get("/admin/audit-log/export?user=%00")).status()).toBe(400);
  } finally {
    await admin.close();
  }
  expect((await request.get("/api/dev/outbox?to=%00")).status()).toBe(400);
  const outbox = await request.get("/dev/outbox?to=%00");
  expect(outbox.status()).toBe(200);

  // A NUL typed into a form field: the form's own message next to that field.
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Nul\u0000Byte");
  await page.getByLabel("Email").fill("nul-byte@example.com");
  await page.getByLabel("Password").fill("Amber kettle nul byte ridge");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Name")).toHaveAccessibleDescription(/characters that are not allowed/);

  // Multipart bodies that do not parse, with and without a server action's id: 400, never 500.
  const login = await captureAction(
    page,
    async () => {
      await page.goto("/login");
      await page.getByLabel("Email or phone").fill("nobody@example.com");
      await page.getByLabel("Password").fill("whatever it is");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
    },
    { block: true },
  );
  const origin = new URL(BASE_URL).origin;
  const variants: Array<Record<string, string>> = [
    { "content-type": "multipart/form-data; boundary=zzz" },
    { "content-type": "multipart/form-data; boundary=zzz", "next-action": login.headers["next-action"]! },
    { "content-type": "multipart/form-data" },
  ];
  for (const headers of variants) {
    const res = await request.fetch("/login", { method: "POST", headers: { ...headers, origin }, data: "garbage, not a form", maxRedirects: 0 });
    expect(res.status(), JSON.stringify(headers)).toBe(400);
  }
});

test("the security tab answers alike for another account's phone number and a free one", async ({ page, browser }) => {
  const otherCtx = await browser.newContext();
  const owner = { email: `owner-${Date.now()}@example.com` };
  const taken = await registerByPhone(await otherCtx.newPage(), { name: "Owner Other", email: owner.email });
  await otherCtx.close();
  await signUpAndConfirm(page, "claimer");
  const section = page.getByRole("region", { name: "Phone" });
  const answers: string[] = [];
  for (const phone of [taken, uniquePhone()]) {
    await page.goto("/account/security?open=phone");
    await section.getByLabel("Phone number").fill(phone.national);
    await section.getByRole("button", { name: "Send SMS" }).click();
    const sent = section.getByText(/^We sent a code to/);
    await expect(sent).toBeVisible();
    answers.push((await sent.textContent())!.replace(phone.international, "<number>"));
    await section.getByRole("button", { name: "Use a different number" }).click();
    await expect(section.getByLabel("Phone number")).toBeVisible();
  }
  expect(answers[0]).toBe(answers[1]);
  expect(await smsCount(page.request, taken.e164)).toBe(1); // the registration's code only
  await waitForMail(page.request, owner.email, /Someone tried to add your phone number/);
});
