// Sign-up in each confirmation mode (A3, A4; seed 000): what the page after sign-up says, and which
// emails arrive — no confirmation code unless the mode confirms email, the activation letter never
// together with it — and the emailed link signs in only the browser that signed up.
import { expect, test } from "./test";
import { confirmationMail, newUser, outbox, signUp, waitForMail } from "./helpers";
import { setConfirmationMode } from "./phone-helpers";

test.describe.configure({ mode: "serial" });

const ACTIVATION = "Your Latchkey account is active";
const subjects = async (request: import("@playwright/test").APIRequestContext, to: string) =>
  (await outbox(request, to)).filter((m) => m.channel === "email").map((m) => m.subject ?? "");

let previousMode: string | undefined;
test.afterAll(async ({ browser }) => {
  if (previousMode) await setConfirmationMode(browser, previousMode as "email");
});

for (const mode of ["none", "phone"] as const) {
  test(`"${mode}": no confirmation email; the page says what comes next`, async ({ page, browser }) => {
    previousMode ??= await setConfirmationMode(browser, mode);
    await setConfirmationMode(browser, mode);
    const user = newUser(`mode-${mode}`);
    await page.goto("/signup");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/signup\/done$/);
    await expect(page.getByRole("heading", { name: mode === "none" ? "Sign in to continue" : "Next: confirm your phone number" })).toBeVisible();
    // The one email is the activation letter (automatic activation is on).
    await waitForMail(page.request, user.email, new RegExp(ACTIVATION));
    expect(await subjects(page.request, user.email)).toEqual([ACTIVATION]);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email or phone").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    const banner = page.getByRole("region", { name: "Account confirmation" });
    if (mode === "phone") await expect(banner).toContainText("Please confirm your phone number.");
    else await expect(banner).toHaveCount(0);
  });
}

test(`"email": the code first; the activation letter after the confirmation`, async ({ page, browser }) => {
  previousMode ??= await setConfirmationMode(browser, "email");
  await setConfirmationMode(browser, "email");
  const user = newUser("mode-email");
  await signUp(page, user);
  const { link } = await confirmationMail(page.request, user.email);
  expect((await subjects(page.request, user.email)).some((s) => s === ACTIVATION)).toBe(false);
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm email" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await waitForMail(page.request, user.email, new RegExp(ACTIVATION));
  const all = await subjects(page.request, user.email);
  expect(all.filter((s) => s === ACTIVATION)).toHaveLength(1);
  expect(all).toHaveLength(2);
});

test(`"both": the email code first, then the phone; no activation letter beside the code`, async ({ page, browser }) => {
  previousMode ??= await setConfirmationMode(browser, "both");
  await setConfirmationMode(browser, "both");
  const user = newUser("mode-both");
  await signUp(page, user);
  const { link } = await confirmationMail(page.request, user.email);
  expect(await subjects(page.request, user.email)).not.toContain(ACTIVATION);
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm email" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // The address is confirmed; the phone is still to come.
  await expect(page.getByRole("region", { name: "Account confirmation" })).toContainText("Please confirm your phone number.");
});

test("the emailed link opened in another browser confirms the address but signs nobody in", async ({ page, browser }) => {
  previousMode ??= await setConfirmationMode(browser, "email");
  await setConfirmationMode(browser, "email");
  const user = newUser("other-browser");
  await signUp(page, user);
  const { link } = await confirmationMail(page.request, user.email);
  const other = await browser.newContext();
  try {
    const op = await other.newPage();
    await op.goto(link);
    await op.getByRole("button", { name: "Confirm email" }).click();
    await expect(op).toHaveURL(/\/login\?confirmed=1$/);
    await expect(op.getByText("Email confirmed — sign in.")).toBeVisible();
    await op.goto("/dashboard");
    await expect(op).toHaveURL(/\/login$/);
  } finally {
    await other.close();
  }
});
