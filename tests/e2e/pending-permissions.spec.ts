// A2: the Pending permission set — an admin unticks "Create a profile"; a pending account is then
// refused (by the server, not only the page) with a message saying it awaits activation.
import { expect, test } from "./test";
import { signUpAndConfirm, submitAndWait } from "./helpers";
import { setAutomaticActivation, setPendingPermission } from "./account-settings-helpers";

test.describe.configure({ mode: "serial" });

const CREATE_PROFILE = "Create a profile";

test.beforeAll(async ({ browser }) => {
  await setAutomaticActivation(browser, false);
  await setPendingPermission(browser, CREATE_PROFILE, false);
});
test.afterAll(async ({ browser }) => {
  await setPendingPermission(browser, CREATE_PROFILE, true);
  await setAutomaticActivation(browser, true);
});

test("a pending account may not create a profile while the admin has unticked it", async ({ page }) => {
  await signUpAndConfirm(page, "pendingperm");
  await expect(page.getByRole("region", { name: "Account activation" })).toContainText("awaiting activation");
  await page.goto("/profiles");
  const add = page.getByRole("region", { name: "Add a profile" });
  await add.getByLabel("Display name").fill("Not yet");
  await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
  await expect(add.getByRole("alert")).toHaveText(
    "Your account is awaiting activation by an administrator. Until it is activated you cannot create a profile.",
  );
  await page.reload();
  await expect(page.locator('li[data-profile="Not yet"]')).toHaveCount(0);
  // Other actions stay allowed: the admin unticked only this one.
  await page.goto("/account/tokens");
  await page.getByLabel("Token name").fill("Allowed");
  await submitAndWait(page, page.getByRole("button", { name: "Create token" }));
  await expect(page.getByLabel("Your new token")).toHaveValue(/^lk_/);
});
