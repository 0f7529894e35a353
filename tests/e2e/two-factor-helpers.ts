// Shared steps for the two-factor specs: the admin's 2FA settings, enrolment on /account/security,
// TOTP codes from the independent `oathtool`, Chromium's virtual authenticator, codes from the outbox.
import { execFileSync } from "node:child_process";
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { accountRow, ADMIN_EMAIL, adminContext, fillLogin, outbox } from "./helpers";

// ——— Admin settings (/admin/settings/two-factor, General tab) ———

export type TwoFactorGeneral = {
  enable2fa: boolean;
  requireFor: "everyone" | "individual";
  deliveryPolicy: string;
  trustedDeviceDuration: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
};

/**
 * Changes the General tab of the 2FA settings as the admin and returns the values it had before,
 * so a spec can put them back in afterAll (the specs share one server and one database).
 */
export async function setTwoFactorGeneral(as: Browser | BrowserContext, patch: Partial<TwoFactorGeneral>): Promise<TwoFactorGeneral> {
  const own = "newContext" in as;
  const ctx = own ? await adminContext(as) : as;
  try {
    const page = await ctx.newPage();
    await page.goto("/admin/settings/two-factor");
    await expect(page.getByRole("heading", { name: "Two-factor authentication", exact: true })).toBeVisible();
    const enable = page.getByLabel("Enable 2FA");
    const everyone = page.getByRole("radio", { name: /^everyone/ });
    const individual = page.getByRole("radio", { name: /^accounts switched on individually/ });
    const delivery = page.getByLabel("Code delivery policy");
    const duration = page.getByLabel("Remember trusted device");
    const name = page.getByLabel("Contact name");
    const email = page.getByLabel("Contact email");
    const phone = page.getByLabel("Contact phone");
    const previous: TwoFactorGeneral = {
      enable2fa: await enable.isChecked(),
      requireFor: (await everyone.isChecked()) ? "everyone" : "individual",
      deliveryPolicy: await delivery.inputValue(),
      trustedDeviceDuration: await duration.inputValue(),
      contactName: await name.inputValue(),
      contactEmail: await email.inputValue(),
      contactPhone: await phone.inputValue(),
    };
    if (patch.enable2fa !== undefined) await enable.setChecked(patch.enable2fa);
    if (patch.requireFor !== undefined) await (patch.requireFor === "everyone" ? everyone : individual).check();
    if (patch.deliveryPolicy !== undefined) await delivery.selectOption(patch.deliveryPolicy);
    if (patch.trustedDeviceDuration !== undefined) await duration.selectOption(patch.trustedDeviceDuration);
    if (patch.contactName !== undefined) await name.fill(patch.contactName);
    if (patch.contactEmail !== undefined) await email.fill(patch.contactEmail);
    if (patch.contactPhone !== undefined) await phone.fill(patch.contactPhone);
    await page.getByRole("button", { name: "Save settings" }).click();
    // A policy that now asks the admin too sends this session to the Manager app's second step.
    await expect(page.getByText("Settings saved.").or(page.getByRole("heading", { name: "Verify it's you" }))).toBeVisible();
    await page.close();
    return previous;
  } finally {
    if (own) await ctx.close();
  }
}

export type TwoFactorDefaults = { defaultWeb: boolean; defaultManager: boolean; defaultMethod: string };

/** Changes the Default settings tab (new accounts' switches and method); returns the values it had before. */
export async function setTwoFactorDefaults(as: Browser | BrowserContext, patch: Partial<TwoFactorDefaults>): Promise<TwoFactorDefaults> {
  const own = "newContext" in as;
  const ctx = own ? await adminContext(as) : as;
  try {
    const page = await ctx.newPage();
    await page.goto("/admin/settings/two-factor?tab=defaults");
    const web = page.getByLabel("2FA on by default for new users in the Web app");
    const manager = page.getByLabel("2FA on by default for new users in the Manager app");
    const method = page.getByLabel("Default method");
    const previous: TwoFactorDefaults = {
      defaultWeb: await web.isChecked(),
      defaultManager: await manager.isChecked(),
      defaultMethod: await method.inputValue(),
    };
    if (patch.defaultWeb !== undefined) await web.setChecked(patch.defaultWeb);
    if (patch.defaultManager !== undefined) await manager.setChecked(patch.defaultManager);
    if (patch.defaultMethod !== undefined) await method.selectOption(patch.defaultMethod);
    await page.getByRole("button", { name: "Save default settings" }).click();
    await expect(page.getByText("Default settings saved.")).toBeVisible();
    await page.close();
    return previous;
  } finally {
    if (own) await ctx.close();
  }
}

/**
 * The set-up most two-factor specs share: 2FA enabled for the accounts switched on individually, and
 * new accounts starting with it off, so a spec's users opt in by setting up a method. Returns what
 * puts the settings back.
 */
export async function enableTwoFactorIndividually(browser: Browser, patch: Partial<TwoFactorGeneral> = {}) {
  const general = await setTwoFactorGeneral(browser, { enable2fa: true, requireFor: "individual", ...patch });
  const defaults = await setTwoFactorDefaults(browser, { defaultWeb: false, defaultManager: false });
  return async () => {
    await setTwoFactorGeneral(browser, general);
    await setTwoFactorDefaults(browser, defaults);
  };
}

// ——— TOTP with the independent generator ———

const PERIOD = 30;
export const currentStep = () => Math.floor(Date.now() / 1000 / PERIOD);

/** The current TOTP code for a base32 secret, from `oathtool --totp -b`, with the 30-s step it belongs to. */
export function oathtool(secret: string): { code: string; step: number } {
  for (;;) {
    const before = currentStep();
    const code = execFileSync("oathtool", ["--totp", "-b", secret], { encoding: "utf8" }).trim();
    if (currentStep() === before) {
      expect(code, "oathtool prints a 6-digit code").toMatch(/^\d{6}$/);
      return { code, step: before };
    }
  }
}

/**
 * A code from a time step after `usedStep`: the server accepts each step once and, for clock drift,
 * one step either side of its own. Like an authenticator whose clock runs a few seconds fast, the
 * code of the next step is taken from oathtool (`--now`) as soon as it is within that window; only a
 * step two ahead of the clock is waited for.
 */
export async function freshTotp(secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const now = currentStep();
    const target = Math.max(now, usedStep + 1);
    // Not the last seconds of a step: the server must still see `target` within one step.
    const msLeft = (now + 1) * PERIOD * 1000 - Date.now();
    if (target <= now + 1 && (target === now || msLeft > 5_000)) {
      const code = execFileSync("oathtool", ["--totp", "-b", `--now=@${target * PERIOD + 1}`, secret], { encoding: "utf8" }).trim();
      expect(code, "oathtool prints a 6-digit code").toMatch(/^\d{6}$/);
      return { code, step: target };
    }
    await new Promise((r) => setTimeout(r, Math.max(50, msLeft + 250)));
  }
}

// ——— Enrolment on /account/security ———

const recoveryList = (page: Page) => page.getByRole("list", { name: "Recovery codes" });

/** Reads the 10 recovery codes shown once after the first enrolment. */
export async function readRecoveryCodes(page: Page): Promise<string[]> {
  await expect(recoveryList(page).getByRole("listitem")).toHaveCount(10);
  const codes = (await recoveryList(page).getByRole("listitem").allTextContents()).map((c) => c.trim());
  for (const c of codes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
  expect(new Set(codes).size).toBe(10);
  // Print puts the codes on paper and nothing else of the page.
  await page.emulateMedia({ media: "print" });
  await expect(recoveryList(page)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeHidden();
  await page.emulateMedia({ media: "screen" });
  return codes;
}

/** Sets up the authenticator app with the key shown on the page and a code from oathtool. */
export async function enrolTotp(page: Page): Promise<{ secret: string; step: number; recoveryCodes: string[] }> {
  await page.goto("/account/security?open=authenticator");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const secretEl = page.getByTestId("totp-secret");
  await expect(secretEl).toBeVisible();
  const secret = (await secretEl.textContent())!.trim();
  expect(secret, "a base32 key of 20 bytes").toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const { code, step } = oathtool(secret);
  await page.getByLabel("Code from your authenticator app").fill(code);
  await page.getByRole("button", { name: "Confirm authenticator app" }).click();
  await expect(page.getByText("Your authenticator app is set up.")).toBeVisible();
  const recoveryCodes = await readRecoveryCodes(page);
  return { secret, step, recoveryCodes };
}

/** The newest code in a message to `to` whose subject matches, once more than `after` such messages exist. */
export async function mailCode(request: APIRequestContext, to: string, subject: RegExp, after = 0): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const msgs = (await outbox(request, to)).filter((m) => m.channel === "email" && subject.test(m.subject ?? ""));
        if (msgs.length <= after) return false;
        code = `${msgs[0]!.subject} ${msgs[0]!.body}`.match(/\b(\d{6})\b/)?.[1];
        return Boolean(code);
      },
      { timeout: 10_000, message: `an email to ${to} with subject ${subject}` },
    )
    .toBe(true);
  return code!;
}

export async function mailCount(request: APIRequestContext, to: string, subject: RegExp) {
  return (await outbox(request, to)).filter((m) => m.channel === "email" && subject.test(m.subject ?? "")).length;
}

export const SECURITY_CODE = /security code/i;
const METHOD_CONFIRM = /Confirm your email for security codes/;

/** Sets up email codes ("Email me a code", then the emailed code); returns the recovery codes when they appear. */
export async function enrolEmail(page: Page, email: string): Promise<string[] | null> {
  await page.goto("/account/security?open=email-codes");
  const item = page.getByRole("region", { name: "Email codes" });
  const before = await mailCount(page.request, email, METHOD_CONFIRM);
  await item.getByRole("button", { name: "Email me a code" }).click();
  await expect(item.getByText(`We sent a code to ${email}.`)).toBeVisible();
  const code = await mailCode(page.request, email, METHOD_CONFIRM, before);
  await item.getByLabel("Code").fill(code);
  await item.getByRole("button", { name: "Confirm email codes" }).click();
  await expect(page.getByText("Email codes are set up.")).toBeVisible();
  await expect(item).toContainText("On");
  return (await recoveryList(page).count()) ? readRecoveryCodes(page) : null;
}

/** The two-step section's status line on /account/security. */
export const secondStepStatus = (page: Page) => page.getByTestId("second-step-status");
export const ASKED = "A second step is asked each time you sign in.";
export const NOT_ASKED = "Signing in asks for your password only.";

/**
 * The user's own switch, "Ask for a second step when I sign in": on after the first method is set
 * up; ticked and saved here when it is not.
 */
export async function turnOnWebTwoFactor(page: Page) {
  await page.goto("/account/security?open=two-step");
  if ((await secondStepStatus(page).textContent())?.trim() !== ASKED) {
    await page.getByLabel("Ask for a second step when I sign in").check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Saved: a second step is asked each time you sign in.")).toBeVisible();
  }
  await expect(secondStepStatus(page)).toHaveText(ASKED);
}

/** The admin ticks "2FA in Web app" for an account in /admin/accounts. */
export async function requireWebTwoFactor(browser: Browser, email: string) {
  const admin = await adminContext(browser);
  try {
    const ap = await admin.newPage();
    await ap.goto(`/admin/accounts?q=${encodeURIComponent(email)}`);
    const row = await accountRow(ap, email);
    await row.getByLabel("2FA in Web app").check();
    await row.getByRole("button", { name: `Save rights for ${email}` }).click();
    await expect(row.getByText("Rights saved.")).toBeVisible();
  } finally {
    await admin.close();
  }
}

// ——— Sign-in up to the second step ———

/** Password sign-in that must stop at /login/verify. */
export async function signInToVerify(page: Page, identifier: string, password: string) {
  await fillLogin(page, identifier, password);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
}

/** While only the first factor is done there is no session: protected pages send the browser to /login. */
export async function expectNoSession(context: BrowserContext) {
  const probe = await context.newPage();
  for (const path of ["/dashboard", "/account/security"]) {
    await probe.goto(path);
    await expect(probe, `${path} without the second factor`).toHaveURL(/\/login$/);
  }
  await probe.close();
}

/** Types a code into the verify page's form and presses Verify. */
export async function submitVerifyCode(page: Page, code: string, opts: { label?: string; remember?: boolean } = {}) {
  const input = page.getByLabel(opts.label ?? "Code", { exact: true });
  // A form reset from an earlier answer can land just after typing: type until the value holds.
  await expect(async () => {
    await input.fill(code);
    await expect(input).toHaveValue(code, { timeout: 300 });
    await page.waitForTimeout(100);
    await expect(input).toHaveValue(code, { timeout: 100 });
  }).toPass({ timeout: 10_000 });
  if (opts.remember) await page.getByLabel("Remember this device").check();
  // Waits for the action's answer and for React to apply it (the button leaves its pending state, or
  // the page moves on), so a next attempt is not typed into a form that is about to be reset.
  const button = page.getByRole("button", { name: "Verify" });
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
  await button.click();
  await answered;
  await expect(async () => {
    // Moved on: another page, or the recovery codes shown after a method was set up here.
    if (!/\/login\/verify/.test(page.url()) || (await button.count()) === 0) return;
    expect(await button.getAttribute("aria-disabled", { timeout: 1_000 })).toBe("false");
    // React resets the form once the answer is applied: only then may the next code be typed.
    expect(await input.inputValue({ timeout: 1_000 })).toBe("");
  }).toPass({ timeout: 15_000 });
}

/**
 * Presses "Send code" on the verify page. Within 30 s of the previous code for the same address the
 * button counts down, disabled ("Send a new code in 24 s"), and the server refuses an early request
 * ("Please wait N seconds…"): either way it waits, as a person would, and asks again.
 */
export async function sendCodeRespectingCooldown(page: Page, sent: string) {
  const ok = page.getByText(sent);
  const wait = page.getByText(/Please wait \d+ seconds? before asking for a new code\./);
  const button = page.getByRole("button", { name: /^Send (a new )?code/ });
  await expect(button).toBeEnabled({ timeout: 35_000 });
  await button.click();
  await expect(ok.or(wait)).toBeVisible();
  if (await ok.isVisible()) return;
  const seconds = Number((await wait.textContent())!.match(/(\d+) second/)![1]);
  await page.waitForTimeout((seconds + 1) * 1000);
  await expect(button).toBeEnabled({ timeout: 35_000 });
  await button.click();
  await expect(ok).toBeVisible();
}

/** A 6-digit code that is surely not `code` (every digit changed). */
export const wrongCode = (code: string) => [...code].map((d) => String((Number(d) + 5) % 10)).join("");

// ——— Security keys: Chromium's virtual authenticator over CDP ———

export async function addVirtualAuthenticator(page: Page, transport: "usb" | "internal" = "internal") {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    authenticatorId,
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}

// ——— The shared admin when a policy asks it for a second step ———

export const adminRow = (page: Page) => page.locator(`li[data-email="${ADMIN_EMAIL}"]`);

/**
 * Passes the Manager app's second step with an emailed code, if it is asked for: with email codes
 * set up (the Manager-app spec), or setting them up on the spot (T11) when the admin has no method.
 */
export async function passManagerStepUp(page: Page) {
  await page.goto("/admin/accounts");
  if (!/\/login\/verify/.test(page.url())) return;
  if (await page.getByRole("heading", { name: "Verify it's you" }).isVisible()) {
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^(Set up two-step verification|Two-step verification)$/);
  }
  if (!(await page.getByText(/(asks for a second step: Email\.|Set one up now: Email\.)$/).isVisible())) {
    await page.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Email", exact: true }).click();
  }
  const before = await mailCount(page.request, ADMIN_EMAIL, SECURITY_CODE);
  await sendCodeRespectingCooldown(page, `We sent a code to ${ADMIN_EMAIL}.`);
  const code = await mailCode(page.request, ADMIN_EMAIL, SECURITY_CODE, before);
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  // A method set up here shows its recovery codes first.
  const cont = page.getByRole("button", { name: "Continue" });
  await expect(page.getByRole("list", { name: "Recovery codes" }).or(page.getByRole("heading", { name: "Overview", level: 1 }))).toBeVisible();
  if (await cont.isVisible()) await cont.click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** Puts the shared admin back as it was: no second step for either app, no email codes. */
export async function restoreAdmin(browser: Browser, page?: Page) {
  const ctx = page ? null : await adminContext(browser);
  const p = page ?? (await ctx!.newPage());
  try {
    await passManagerStepUp(p);
    await p.goto(`/admin/accounts?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    await accountRow(p, ADMIN_EMAIL);
    const manager = adminRow(p).getByLabel("2FA in Manager app");
    const web = adminRow(p).getByLabel("2FA in Web app");
    if ((await manager.isChecked()) || (await web.isChecked())) {
      await manager.uncheck();
      await web.uncheck();
      await adminRow(p)
        .getByRole("button", { name: `Save rights for ${ADMIN_EMAIL}` })
        .click();
      await expect(adminRow(p).getByText("Rights saved.")).toBeVisible();
    }
    await p.goto("/account/security?open=email-codes");
    const remove = p.getByRole("button", { name: "Remove email codes" });
    if (await remove.isVisible()) {
      await remove.click();
      await expect(p.getByRole("heading", { name: "Email codes", exact: true })).toBeVisible();
    }
  } finally {
    await ctx?.close();
  }
}
