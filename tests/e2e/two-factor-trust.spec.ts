// T4: "Remember this device" skips the second step until the device is forgotten on the security tab.
// T5/T9: three failed second factors show the contact person, write an audit entry and email the contact.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { expectPageAccessible } from "./axe";
import { adminContext, fillLogin, outbox, signOut, signUpAndConfirm, uniqueEmail } from "./helpers";
import {
  enrolEmail,
  expectNoSession,
  mailCode,
  sendCodeRespectingCooldown,
  mailCount,
  SECURITY_CODE,
  enableTwoFactorIndividually,
  signInToVerify,
  submitVerifyCode,
  turnOnWebTwoFactor,
  wrongCode,
} from "./two-factor-helpers";

const CONTACT = { name: "Dana Helpdesk", email: uniqueEmail("contact"), phone: "+1 202 555 0142" };
let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser, {
    trustedDeviceDuration: "30d",
    contactName: CONTACT.name,
    contactEmail: CONTACT.email,
    contactPhone: CONTACT.phone,
  });
});

test.afterAll(async () => {
  if (restore) await restore();
});

async function emailCodeStep(page: Page, email: string, opts: { remember?: boolean } = {}) {
  const before = await mailCount(page.request, email, SECURITY_CODE);
  await sendCodeRespectingCooldown(page, `We sent a code to ${email}.`);
  const code = await mailCode(page.request, email, SECURITY_CODE, before);
  await submitVerifyCode(page, code, opts);
}

test("a remembered device skips the second step until it is forgotten on the security tab", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "trust");
  await enrolEmail(page, user.email);
  await turnOnWebTwoFactor(page);
  await page.goto("/account/security?open=devices");
  await expect(page.getByText("No remembered devices.")).toBeVisible();
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Skip this step on this browser for 30 days.")).toBeVisible();
  await emailCodeStep(page, user.email, { remember: true });
  await expect(page).toHaveURL(/\/dashboard$/);
  const cookies = await page.context().cookies();
  const device = cookies.find((c) => c.name.endsWith("latchkey.device"));
  expect(device, "the trusted-device cookie").toBeTruthy();
  expect(device!.httpOnly).toBe(true);
  expect(device!.expires - Date.now() / 1000).toBeGreaterThan(29 * 86_400);
  await signOut(page);

  // The next sign-in on this browser goes straight to the dashboard.
  await fillLogin(page, user.email, user.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  // Another browser is not trusted.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signInToVerify(p2, user.email, user.password);
  await other.close();

  // Forget it on the security tab.
  await page.goto("/account/security?open=devices");
  const devices = page.getByRole("list", { name: "Remembered devices" });
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await devices.getByRole("button", { name: /^Forget / }).click();
  // The list empties (its success message goes with it).
  await expect(page.getByText("No remembered devices.")).toBeVisible();
  await signOut(page);

  // The cookie is still in the browser, but it no longer counts.
  expect((await page.context().cookies()).some((c) => c.name.endsWith("latchkey.device"))).toBe(true);
  await signInToVerify(page, user.email, user.password);
  await expectNoSession(page.context());
});

test("three failed codes show the contact person, write an audit entry and email the contact", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "threefail");
  await enrolEmail(page, user.email);
  await turnOnWebTwoFactor(page);
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  const before = await mailCount(page.request, user.email, SECURITY_CODE);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  // The answer is applied (or, before the page's scripts run, the form's page has loaded) before typing.
  await expect(page.getByText(`We sent a code to ${user.email}.`)).toBeVisible();
  const code = await mailCode(page.request, user.email, SECURITY_CODE, before);
  const contact = page.getByText(`Contact ${CONTACT.name} at ${CONTACT.email} or call ${CONTACT.phone}.`);

  for (let i = 1; i <= 3; i++) {
    await expect(contact, `no contact shown after ${i - 1} failures`).toHaveCount(0);
    await submitVerifyCode(page, wrongCode(code));
    await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();
  }
  await expect(page.getByText("Having trouble signing in?")).toBeVisible();
  await expect(contact).toBeVisible();
  await expect(page.getByRole("link", { name: CONTACT.email })).toHaveAttribute("href", `mailto:${CONTACT.email}`);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expectNoSession(page.context());
  // The page still shows the contact after a reload.
  await page.reload();
  await expect(contact).toBeVisible();
  await expectPageAccessible(page, "/login/verify (email code, contact person shown)");

  // The contact person is told.
  await expect
    .poll(async () => (await outbox(page.request, CONTACT.email)).filter((m) => /Repeated failed two-step verification/.test(m.subject ?? "")).length)
    .toBeGreaterThan(0);

  // The audit log has the entry, found with the Action filter.
  const admin = await adminContext(browser);
  const ap = await admin.newPage();
  await ap.goto("/admin/audit-log");
  await ap.getByLabel("User", { exact: true }).fill(user.email);
  await ap.getByLabel("Action", { exact: true }).selectOption({ label: "Second step failed 3 times" });
  await ap.getByRole("button", { name: "Filter" }).click();
  await expect(ap).toHaveURL(/action=two_factor\.failed_3_times/);
  const rows = ap.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: "Second step failed 3 times" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(user.email);
  await admin.close();
});
