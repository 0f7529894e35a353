// Shared steps for the end-to-end specs: unique addresses, the dev outbox, sign-up + confirmation, sign-in.
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Locator, type Page, type APIRequestContext } from "@playwright/test";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://localhost:3210";
export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "admin@latchkey.test";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";
const RUN_DIR = process.env.E2E_RUN_DIR ?? path.resolve("tests/.tmp");

/** A password that is long, not common, and different on every call. */
export const strongPassword = () => `Amber kettle ${randomBytes(4).toString("hex")} ridge`;

/** An address no other test uses. */
export function uniqueEmail(tag = "u") {
  return `${tag}-${Date.now()}-${randomBytes(3).toString("hex")}@example.com`;
}

export type OutboxMessage = { id: number | string; channel: string; to: string; subject: string | null; body: string; createdAt: string };

export async function outbox(request: APIRequestContext, to: string): Promise<OutboxMessage[]> {
  const res = await request.get(`/api/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status(), "GET /api/dev/outbox").toBe(200);
  return (await res.json()) as OutboxMessage[];
}

/** Waits until the outbox holds a message to `to` whose subject matches, and returns the newest such message. */
export async function waitForMail(request: APIRequestContext, to: string, subject: RegExp, timeout = 10_000): Promise<OutboxMessage> {
  let found: OutboxMessage | undefined;
  await expect
    .poll(
      async () => {
        found = (await outbox(request, to)).find((m) => subject.test(m.subject ?? ""));
        return Boolean(found);
      },
      { timeout, message: `an email to ${to} with subject ${subject}` },
    )
    .toBe(true);
  return found!;
}

/** Asks /recover for a reset by email and returns the email that arrives (its code and link in `body`). */
export async function startRecoveryByEmail(page: Page, email: string): Promise<OutboxMessage> {
  await page.goto("/recover");
  await page.getByLabel(/^Email/).fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account matches/)).toBeVisible();
  return waitForMail(page.request, email, /Reset your Latchkey password/);
}

export async function confirmationMail(request: APIRequestContext, email: string) {
  const mail = await waitForMail(request, email, /confirmation code/i);
  const link = mail.body.match(/https?:\/\/\S+\/confirm\/email\?token=[^\s]+/)?.[0];
  const code = mail.body.match(/\b(\d{6})\b/)?.[1];
  expect(link, "confirmation link in the email body").toBeTruthy();
  expect(code, "6-digit code in the email body").toBeTruthy();
  return { mail, link: link!, code: code! };
}

export type TestUser = { name: string; email: string; password: string };

export function newUser(tag = "u"): TestUser {
  return { name: `Test ${tag} ${randomBytes(2).toString("hex")}`, email: uniqueEmail(tag), password: strongPassword() };
}

/** Fills and submits /signup; ends on the "Check your email" page. */
export async function signUp(page: Page, user: TestUser) {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page).toHaveURL(/\/signup\/check-email\?email=/);
}

/** Opens the emailed link, presses "Confirm email", and lands signed in on /dashboard. */
export async function confirmByLink(page: Page, email: string) {
  const { link } = await confirmationMail(page.request, email);
  expect(link.startsWith(`${BASE_URL}/confirm/email?token=`), `link uses LATCHKEY_BASE_URL: ${link}`).toBe(true);
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm email" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** A new account, signed up and confirmed through the email link; the page is signed in on /dashboard. */
export async function signUpAndConfirm(page: Page, tag = "u"): Promise<TestUser> {
  const user = newUser(tag);
  await signUp(page, user);
  await confirmByLink(page, user.email);
  return user;
}

export async function fillLogin(page: Page, identifier: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email or phone").fill(identifier);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** An account's entry in /admin/accounts, with its "Manage" panel open. */
export async function accountRow(page: Page, email: string): Promise<Locator> {
  const row = page.locator(`li[data-email="${email}"]`);
  const panel = row.getByTestId("manage");
  if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open))) await panel.locator(":scope > summary").click();
  await expect(row.getByRole("button", { name: `Save rights for ${email}` })).toBeVisible();
  return row;
}

export async function signIn(page: Page, identifier: string, password: string) {
  await fillLogin(page, identifier, password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

// Every password sign-in (successful ones too) counts against a per-identifier limit of 10 per
// 15 minutes, so the admin signs in once per run and the specs share that session.
const ADMIN_STATE = path.join(RUN_DIR, "admin-state.json");

// Changing one's own email, phone or two-step methods needs a sign-in within 15 minutes (B3), so
// the shared session is renewed after 10.
const ADMIN_STATE_MAX_AGE_MS = 10 * 60_000;

/** A browser context signed in as the admin (the session is made once and reused for 10 minutes). */
export async function adminContext(browser: Browser): Promise<BrowserContext> {
  if (existsSync(ADMIN_STATE) && Date.now() - statSync(ADMIN_STATE).mtimeMs < ADMIN_STATE_MAX_AGE_MS) {
    const ctx = await browser.newContext({ storageState: ADMIN_STATE });
    const res = await ctx.request.get("/admin/accounts", { maxRedirects: 0 });
    if (res.status() === 200) return ctx;
    await ctx.close();
  }
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  // New accounts start with the second step switched on (seed 003), the admin made at start-up too.
  // The specs that turn 2FA on are about other accounts: the shared admin keeps signing in with the
  // password alone (two-factor-manager.spec.ts turns the admin's own switch on and back off).
  await page.goto(`/admin/accounts?q=${encodeURIComponent(ADMIN_EMAIL)}`);
  const row = await accountRow(page, ADMIN_EMAIL);
  const web = row.getByLabel("2FA in Web app");
  const manager = row.getByLabel("2FA in Manager app");
  if ((await web.isChecked()) || (await manager.isChecked())) {
    await web.uncheck();
    await manager.uncheck();
    await row.getByRole("button", { name: `Save rights for ${ADMIN_EMAIL}` }).click();
    await expect(row.getByText("Rights saved.")).toBeVisible();
  }
  await ctx.storageState({ path: ADMIN_STATE });
  await page.close();
  return ctx;
}

/**
 * Clicks a submit button and waits until its server action has answered and React has applied the
 * result. Without this, an assertion can pass on the previous submission's error (same message, still
 * marked invalid) and the next fill is then wiped by the late form reset.
 */
export async function submitAndWait(page: Page, button: Locator) {
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && "next-action" in r.request().headers());
  await button.click();
  // The button shows pending (aria-disabled) from the click until React has applied the answer.
  // (Not response.finished(): the action's streamed answer can stay open after it is applied.)
  await answered;
  await expect(button).not.toHaveAttribute("aria-disabled", "true");
}

/** Collects every response status of a page, to assert that no request failed with a 5xx. */
export function watchServerErrors(page: Page) {
  const errors: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return errors;
}
