// Keyboard only: sign-up, confirmation, sign-in and setting up two-step verification with Tab, typing,
// Space and Enter — no clicks. Each control is reached by Tab in page order and must show focus.
import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./test";
import { confirmationMail, newUser, outbox } from "./helpers";
import { mailCode, readRecoveryCodes, requireWebTwoFactor, SECURITY_CODE, enableTwoFactorIndividually } from "./two-factor-helpers";

let restore: (() => Promise<void>) | undefined;

test.afterAll(async () => {
  if (restore) await restore();
});

/** Presses Tab until `target` has the focus (at most `max` times), then checks that focus is visible. */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) {
      // A visible focus indicator: the keyboard-focus outline (:focus-visible).
      const ring = await target.evaluate((el) => {
        const s = getComputedStyle(el);
        return el.matches(":focus-visible") && s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
      });
      expect(ring, "the focused control shows a focus indicator").toBe(true);
      return;
    }
  }
  throw new Error(`Tab did not reach ${target} within ${max} presses`);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

test("sign-up, confirmation, sign-in and two-step set-up with the keyboard alone", async ({ page, browser }) => {
  test.setTimeout(120_000);
  restore = await enableTwoFactorIndividually(browser);
  const user = newUser("keys");

  // Sign-up: the focus starts in the first field; "Skip to content" comes first when Tab wraps around.
  await page.goto("/signup");
  await expect(page.getByLabel("Name")).toBeFocused();
  await tabTo(page, page.getByRole("link", { name: "Skip to content" }));
  await typeInto(page, page.getByLabel("Name"), user.name);
  await typeInto(page, page.getByLabel("Email"), user.email);
  await typeInto(page, page.getByLabel("Password"), user.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  // Confirmation with the emailed code.
  const { code } = await confirmationMail(page.request, user.email);
  await typeInto(page, page.getByLabel("Code"), code);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);

  // Sign out with the keyboard.
  await tabTo(page, page.getByRole("button", { name: "Sign out", exact: true }).first());
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/login$/);

  // The admin requires a second step of this account; nothing is set up yet.
  await requireWebTwoFactor(browser, user.email);

  // Sign-in.
  await typeInto(page, page.getByLabel("Email or phone"), user.email);
  await typeInto(page, page.getByLabel("Password"), user.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();

  // Choose email among the methods, send the code, type it, remember nothing, verify.
  await tabTo(page, page.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Email", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/method=email$/);
  const before = (await outbox(page.request, user.email)).filter((m) => SECURITY_CODE.test(m.subject ?? "")).length;
  await tabTo(page, page.getByRole("button", { name: "Send code", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.getByText(`We sent a code to ${user.email}.`)).toBeVisible();
  const securityCode = await mailCode(page.request, user.email, SECURITY_CODE, before);
  await typeInto(page, page.getByLabel("Code", { exact: true }), securityCode);
  await page.keyboard.press("Enter");

  // The recovery codes, then Continue.
  expect(await readRecoveryCodes(page)).toHaveLength(10);
  await tabTo(page, page.getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
});
