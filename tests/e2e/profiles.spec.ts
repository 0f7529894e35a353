// A5: profiles — created from the account name at sign-up, or on the forced "Create your first
// profile" page when automatic creation is off; the admin's limit; clear field errors.
import { expect, test } from "./test";
import { confirmationMail, newUser, signOut, signUp, signUpAndConfirm, submitAndWait } from "./helpers";
import { setAutomaticProfiles, setProfileLimit } from "./account-settings-helpers";

test.describe.configure({ mode: "serial" });

test("with automatic creation on, the first profile carries the account name; profiles are added, renamed and deleted", async ({ page }) => {
  const user = await signUpAndConfirm(page, "profiles");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profiles" }).click();
  await expect(page).toHaveURL(/\/profiles$/);
  await expect(page.getByRole("heading", { name: "Profiles", level: 1 })).toBeVisible();
  const first = page.locator("li[data-profile]");
  await expect(first).toHaveCount(1);
  await expect(first.getByRole("heading")).toHaveText(`${user.name} · Person`);

  const add = page.getByRole("region", { name: "Add a profile" });
  // Empty and too long names are refused next to the field.
  await add.getByLabel("Display name").fill("   ");
  await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
  await expect(add.getByLabel("Display name")).toHaveAttribute("aria-invalid", "true");
  await expect(add.getByLabel("Display name")).toHaveAccessibleDescription("Enter a display name.");
  await add.getByLabel("Display name").fill("x".repeat(101));
  await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
  await expect(add.getByLabel("Display name")).toHaveAccessibleDescription("Use at most 100 characters.");

  await add.getByLabel("Display name").fill("Acme Ltd");
  await add.getByLabel("Profile type").selectOption("Organization");
  await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
  await expect(add.getByRole("status")).toHaveText('Profile "Acme Ltd" created.');
  const acme = page.locator('li[data-profile="Acme Ltd"]');
  await expect(acme.getByRole("heading")).toHaveText("Acme Ltd · Organization");

  await acme.getByLabel("Display name").fill("Acme Group");
  // The row is found by its name, which this save changes.
  await acme.getByRole("button", { name: "Save" }).click();
  const group = page.locator('li[data-profile="Acme Group"]');
  await expect(group.getByRole("status")).toHaveText('Profile "Acme Group" saved.');
  await expect(group.getByRole("heading")).toHaveText("Acme Group · Organization");

  await group.getByRole("button", { name: "Delete profile Acme Group" }).click();
  await expect(group).toHaveCount(0);
  await expect(page.locator("li[data-profile]")).toHaveCount(1);
});

test.describe("with automatic creation off", () => {
  test.beforeAll(async ({ browser }) => setAutomaticProfiles(browser, false));
  test.afterAll(async ({ browser }) => setAutomaticProfiles(browser, true));

  test("a new user must create the first profile before anything else; /confirm and sign-out still work", async ({ page }) => {
    const user = newUser("firstprofile");
    await signUp(page, user);
    const { link } = await confirmationMail(page.request, user.email);
    await page.goto(link);
    await page.getByRole("button", { name: "Confirm email" }).click();
    await expect(page).toHaveURL(/\/first-profile$/);
    await expect(page.getByRole("heading", { name: "Create your first profile" })).toBeVisible();

    // Every other page of the app and the Manager app sends the user back here.
    for (const path of ["/dashboard", "/account/security", "/account/tokens", "/profiles"]) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/first-profile$/);
    }
    // The confirmation page is part of finishing sign-up and stays reachable.
    await page.goto("/confirm");
    await expect(page).toHaveURL(/\/confirm$/);
    await expect(page.getByRole("heading", { name: "Confirm your account" })).toBeVisible();

    await page.goto("/first-profile");
    const name = page.getByLabel("Display name");
    await expect(name).toHaveValue(user.name);
    await name.fill("");
    await submitAndWait(page, page.getByRole("button", { name: "Create profile" }));
    await expect(name).toHaveAccessibleDescription("Enter a display name.");

    // Sign-out works from here, and the requirement waits for the next sign-in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel("Email or phone").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/first-profile$/);

    await page.getByLabel("Display name").fill("Studio North");
    await page.getByLabel("Profile type").selectOption("Organization");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
    await page.goto("/profiles");
    await expect(page.locator('li[data-profile="Studio North"]').getByRole("heading")).toHaveText("Studio North · Organization");
    await page.goto("/first-profile");
    await expect(page).toHaveURL(/\/dashboard$/);
    await signOut(page);
  });
});

test.describe("with a limit of 2 profiles", () => {
  test.beforeAll(async ({ browser }) => setProfileLimit(browser, 2));
  test.afterAll(async ({ browser }) => setProfileLimit(browser, 0));

  test("the third profile is refused with a clear message", async ({ page }) => {
    await signUpAndConfirm(page, "limit");
    await page.goto("/profiles");
    await expect(page.getByText("You have 1 of at most 2 profiles.")).toBeVisible();
    const add = page.getByRole("region", { name: "Add a profile" });
    await add.getByLabel("Display name").fill("Second self");
    await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
    await expect(add.getByRole("status")).toHaveText('Profile "Second self" created.');
    await add.getByLabel("Display name").fill("Third self");
    await submitAndWait(page, add.getByRole("button", { name: "Create profile" }));
    await expect(add.getByRole("alert")).toHaveText("You have reached the limit of 2 profiles for an account. Delete one before creating another.");
    await page.reload();
    await expect(page.locator("li[data-profile]")).toHaveCount(2);
  });
});
