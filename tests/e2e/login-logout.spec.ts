// Password sign-in and sign-out, the one message for every failure, and no life after sign-out.
import { expect, test } from "./test";
import { fillLogin, signIn, signOut, signUpAndConfirm, uniqueEmail } from "./helpers";

const NOT_RIGHT = "The email, phone or password is not right.";

test("sign in, sign out, and the old cookie is dead", async ({ page, browser, context }) => {
  const user = await signUpAndConfirm(page, "login");
  await signOut(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  const state = await context.storageState();
  expect(state.cookies.some((c) => c.httpOnly && c.value.length > 20)).toBe(true);

  await signOut(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);

  // Replaying the cookie from before the sign-out in a fresh browser gives nothing.
  const replay = await browser.newContext({ storageState: state });
  const p2 = await replay.newPage();
  await p2.goto("/dashboard");
  await expect(p2).toHaveURL(/\/login$/);
  await p2.goto("/account/security");
  await expect(p2).toHaveURL(/\/login$/);
  await replay.close();
});

test("sign in accepts the address in another letter case and honours a same-origin next", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "case");
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto("/login?next=%2Faccount%2Fsecurity");
  await p.getByLabel("Email or phone").fill(user.email.toUpperCase());
  await p.getByLabel("Password").fill(user.password);
  await p.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(p).toHaveURL(/\/account\/security$/);
  await ctx.close();
});

test("a wrong password and an unknown address get the same message", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "wrong");
  const ctx = await browser.newContext();
  const p = await ctx.newPage();

  await fillLogin(p, user.email, `${user.password}x`);
  await expect(p.getByRole("main").getByRole("alert")).toHaveText(NOT_RIGHT);
  await expect(p).toHaveURL(/\/login$/);
  await expect(p.getByLabel("Email or phone")).toHaveValue(user.email);
  await expect(p.getByLabel("Password")).toHaveValue("");

  await fillLogin(p, uniqueEmail("nobody"), user.password);
  await expect(p.getByRole("main").getByRole("alert")).toHaveText(NOT_RIGHT);
  await expect(p).toHaveURL(/\/login$/);

  await p.goto("/dashboard");
  await expect(p).toHaveURL(/\/login$/);
  await ctx.close();
});
