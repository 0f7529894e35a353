// Shared steps for the phone specs: unique US mobile numbers, SMS codes from the outbox, admin settings.
import { randomInt } from "node:crypto";
import { expect, type Browser, type Page, type APIRequestContext } from "@playwright/test";
import { adminContext, outbox } from "./helpers";

const AREAS = ["201", "202", "212", "213", "305", "312", "404", "415", "503", "617", "646", "702", "718", "805", "917"];

/** A valid US number no other test uses: national format for typing, E.164 for the outbox. */
export function uniquePhone() {
  const area = AREAS[randomInt(AREAS.length)]!;
  let exchange = randomInt(200, 1000);
  if (exchange % 100 === 11) exchange += 1;
  const line = String(randomInt(0, 10000)).padStart(4, "0");
  return { national: `(${area}) ${exchange}-${line}`, e164: `+1${area}${exchange}${line}`, international: `+1 ${area} ${exchange} ${line}` };
}

/** Waits for the newest SMS to `e164` containing a 6-digit code, newer than `after` messages. */
export async function smsCode(request: APIRequestContext, e164: string, after = 0): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const msgs = (await outbox(request, e164)).filter((m) => m.channel === "sms");
        if (msgs.length <= after) return false;
        code = msgs[0]!.body.match(/\b(\d{6})\b/)?.[1];
        return Boolean(code);
      },
      { timeout: 10_000, message: `an SMS code to ${e164}` },
    )
    .toBe(true);
  return code!;
}

export async function smsCount(request: APIRequestContext, e164: string) {
  return (await outbox(request, e164)).filter((m) => m.channel === "sms").length;
}

/** Sets the "Account is confirmed when" mode as the admin; returns the previous mode. */
export async function setConfirmationMode(browser: Browser, mode: "none" | "email" | "phone" | "both"): Promise<string> {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  await page.goto("/admin/settings/account");
  const select = page.getByLabel("Account is confirmed when");
  const previous = await select.inputValue();
  await select.selectOption(mode);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await ctx.close();
  return previous;
}

/** Registers a new account by phone (P1) and leaves the page signed in on /dashboard. */
export async function registerByPhone(page: Page, opts: { name: string; email?: string; password?: string }) {
  const phone = uniquePhone();
  await page.goto("/register/phone");
  await expect(page.getByLabel("Country")).toHaveValue("US");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page).toHaveURL(/step=code/);
  const code = await smsCode(page.request, phone.e164);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=details/);
  await page.getByLabel("Name").fill(opts.name);
  if (opts.email) await page.getByLabel(/^Email/).fill(opts.email);
  if (opts.password) await page.getByLabel(/^Password/).fill(opts.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return phone;
}
