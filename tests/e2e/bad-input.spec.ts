// Every form refuses bad input with a message tied to the field (aria-invalid + aria-describedby),
// keeps what was typed (except secrets), empties password fields, and never answers with a 5xx.
import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./test";
import {
  adminContext,
  confirmationMail,
  newUser,
  signIn,
  signUp,
  signUpAndConfirm,
  strongPassword,
  submitAndWait,
  uniqueEmail,
  watchServerErrors,
} from "./helpers";

const LONG = "x".repeat(10_000);
const LONG_DIGITS = "9".repeat(10_000);

/** The input is marked invalid and its accessible description (the text next to it) says why. */
async function expectFieldError(input: Locator, message: string | RegExp) {
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toHaveAccessibleDescription(typeof message === "string" ? new RegExp(escape(message)) : message);
}

async function expectValid(input: Locator) {
  await expect(input).not.toHaveAttribute("aria-invalid", "true");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Lets a test type more than the field's maxlength allows, to check the server's own limit. */
const dropMaxLength = (input: Locator) => input.evaluate((el) => el.removeAttribute("maxlength"));

/** Puts a value into a number field that the browser itself would refuse to submit. */
const craft = (input: Locator, value: string) =>
  input.evaluate((el, v) => {
    const field = el as HTMLInputElement;
    field.type = "text";
    field.value = v;
  }, value);

/** No 5xx response, no generic "something went wrong" message. */
async function expectNoServerError(page: Page, errors: string[]) {
  await expect(page.getByText("Something went wrong")).toHaveCount(0);
  expect(errors, "responses with a 5xx status").toEqual([]);
}

test("sign-up form", async ({ page, request }) => {
  const errors = watchServerErrors(page);
  await page.goto("/signup");
  const name = page.getByLabel("Name");
  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  const submit = page.getByRole("button", { name: "Create account" });

  // Empty.
  await submitAndWait(page, submit);
  await expectFieldError(name, "Enter your name.");
  await expectFieldError(email, "Enter your email address.");
  await expectFieldError(password, "Choose a password.");
  await expect(page).toHaveURL(/\/signup$/);
  // The banner counts the fields, never repeating their messages; the first refused field has the focus.
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("3 fields need attention.");
  await expect(name).toBeFocused();

  // Every problem at once, the password's rules included (not one after the other).
  await email.fill(uniqueEmail("at-once"));
  await password.fill("short");
  await submitAndWait(page, submit);
  await expectFieldError(name, "Enter your name.");
  await expectFieldError(password, "Use at least 8 characters.");
  await expectValid(email);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("2 fields need attention.");

  // Invalid email.
  await name.fill("Ada Lovelace");
  await email.fill("not-an-email");
  await password.fill(strongPassword());
  await submitAndWait(page, submit);
  await expectFieldError(email, /valid email address/);
  await expectValid(name);
  await expectValid(password);
  await expect(name).toHaveValue("Ada Lovelace");
  await expect(email).toHaveValue("not-an-email");
  await expect(password).toHaveValue("");

  // Too short, then a common password; the address is kept each time.
  const address = uniqueEmail("bad");
  await email.fill(address);
  await password.fill("short");
  await submitAndWait(page, submit);
  await expectFieldError(password, "Use at least 8 characters.");
  await expectValid(email);
  await expect(name).toHaveValue("Ada Lovelace");
  await expect(email).toHaveValue(address);
  await expect(password).toHaveValue("");

  await password.fill("password123");
  await submitAndWait(page, submit);
  await expectFieldError(password, /too common/);
  await expect(email).toHaveValue(address);
  await expect(password).toHaveValue("");

  // 10,000 characters in every field (past the name's maxlength, to reach the server's limit).
  await dropMaxLength(name);
  await name.fill(LONG);
  await email.fill(`${LONG}@example.com`);
  await password.fill(LONG);
  await submitAndWait(page, submit);
  await expectFieldError(name, "Use at most 100 characters.");
  await expectFieldError(email, "This email address is too long.");
  await expectFieldError(password, "Use at most 128 characters.");
  await expect(password).toHaveValue("");
  await expect(name).toHaveValue(/^x+$/);

  // None of it made an account or sent an email.
  await expect(page).toHaveURL(/\/signup$/);
  const res = await request.get(`/api/dev/outbox?to=${encodeURIComponent(address)}`);
  expect(await res.json()).toEqual([]);
  await expectNoServerError(page, errors);
});

test("sign-in form", async ({ page }) => {
  const errors = watchServerErrors(page);
  await page.goto("/login");
  const identifier = page.getByLabel("Email or phone");
  const password = page.getByLabel("Password");
  const submit = page.getByRole("button", { name: "Sign in", exact: true });

  await submitAndWait(page, submit);
  await expectFieldError(identifier, "Enter your email or phone number.");
  await expectFieldError(password, "Enter your password.");

  // An identifier that is neither an address nor a phone number: the one generic message.
  await identifier.fill("not-an-email");
  await password.fill("whatever it is");
  await submitAndWait(page, submit);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The email, phone or password is not right.");
  await expect(identifier).toHaveValue("not-an-email");
  await expect(password).toHaveValue("");

  await identifier.fill(LONG);
  await password.fill(LONG);
  await submitAndWait(page, submit);
  await expectFieldError(identifier, "This is too long for an email or phone number.");
  await expect(password).toHaveValue("");
  await expect(page).toHaveURL(/\/login$/);

  const address = uniqueEmail("nobody");
  await identifier.fill(address);
  await password.fill(LONG);
  await submitAndWait(page, submit);
  await expectFieldError(password, "The email, phone or password is not right.");
  await expect(identifier).toHaveValue(address);
  await expect(password).toHaveValue("");
  await expectNoServerError(page, errors);
});

/** Shared by the check-email page and /confirm: the code field refuses empty, letters, short and huge input. */
async function badCodes(page: Page, submit: Locator) {
  const code = page.getByLabel("Code");
  await submitAndWait(page, submit);
  await expectFieldError(code, "Enter the code from the email.");

  await code.fill("abcdef");
  await submitAndWait(page, submit);
  await expectFieldError(code, /6-digit code/);

  await code.fill("12a45");
  await submitAndWait(page, submit);
  await expectFieldError(code, /6-digit code/);

  await dropMaxLength(code);
  await code.fill(LONG_DIGITS);
  await submitAndWait(page, submit);
  await expectFieldError(code, /6-digit code/);
}

test("check-email code form; the real code still works afterwards", async ({ page }) => {
  const errors = watchServerErrors(page);
  const user = newUser("badcode");
  await signUp(page, user);
  await badCodes(page, page.getByRole("button", { name: "Confirm", exact: true }));
  await expect(page).toHaveURL(/\/signup\/check-email/);

  // Malformed codes did not use up the real one.
  const { code } = await confirmationMail(page.request, user.email);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // A broken or huge address in the page's URL gives a plain message, not an error.
  for (const bad of ["nope", `${LONG}@b.co`]) {
    const res = await page.goto(`/signup/check-email?email=${encodeURIComponent(bad)}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByText("This link is incomplete.")).toBeVisible();
  }
  await expectNoServerError(page, errors);
});

test("confirm page code form and a broken confirmation link", async ({ page }) => {
  const errors = watchServerErrors(page);
  const user = newUser("badconf");
  await signUp(page, user);
  await signIn(page, user.email, user.password);
  await page.goto("/confirm");
  await badCodes(page, page.getByRole("button", { name: "Confirm email" }));
  await expect(page).toHaveURL(/\/confirm$/);

  const { code } = await confirmationMail(page.request, user.email);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm email" }).click();
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();

  for (const token of ["short", LONG, "<script>alert(1)</script>"]) {
    const res = await page.goto(`/confirm/email?token=${encodeURIComponent(token)}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "This link has expired or was already used" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send a new link" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm email" })).toHaveCount(0);
  }
  await expectNoServerError(page, errors);
});

test("password change form", async ({ page }) => {
  const errors = watchServerErrors(page);
  const user = await signUpAndConfirm(page, "badpw");
  await page.goto("/account/security?open=password");
  const current = page.getByLabel("Current password");
  const next = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm new password");
  const submit = page.getByRole("button", { name: "Change password" });
  const expectEmpty = async () => {
    for (const f of [current, next, confirm]) await expect(f).toHaveValue("");
  };

  await submitAndWait(page, submit);
  await expectFieldError(next, "Choose a new password.");
  await expectFieldError(confirm, "Type the new password again.");
  await expectEmpty();

  const attempts: Array<[string, string, Locator, string | RegExp]> = [
    ["short", "short", next, "Use at least 8 characters."],
    ["password123", "password123", next, /too common/],
    [strongPassword(), strongPassword(), confirm, "The two new passwords do not match."],
    [LONG, LONG, next, "Use at most 128 characters."],
  ];
  for (const [n, c, field, message] of attempts) {
    await current.fill(user.password);
    await next.fill(n);
    await confirm.fill(c);
    await submitAndWait(page, submit);
    await expectFieldError(field, message);
    await expectEmpty();
  }

  // Nothing changed: still signed in, the old password still works elsewhere.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  const other = await page.context().browser()!.newContext();
  await signIn(await other.newPage(), user.email, user.password);
  await other.close();
  await expectNoServerError(page, errors);
});

test("admin: create-account form", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  const errors = watchServerErrors(page);
  await page.goto("/admin/accounts");
  const form = page.getByRole("region", { name: "Create an account" });
  const name = form.getByLabel("Name", { exact: true });
  const email = form.getByLabel("Email", { exact: true });
  const password = form.getByLabel("Password", { exact: true });
  const confirmed = form.getByLabel("Email already confirmed");
  const submit = form.getByRole("button", { name: "Create account" });

  await submitAndWait(page, submit);
  await expectFieldError(name, "Enter a name.");
  await expectFieldError(email, "Enter an email address.");
  await expectFieldError(password, "Choose a password.");

  await name.fill("Grace Hopper");
  await email.fill("grace@");
  await password.fill(strongPassword());
  await confirmed.check();
  await submitAndWait(page, submit);
  await expectFieldError(email, /valid email address/);
  await expect(name).toHaveValue("Grace Hopper");
  await expect(email).toHaveValue("grace@");
  await expect(password).toHaveValue("");
  await expect(confirmed).toBeChecked();

  const address = uniqueEmail("made");
  for (const [pw, message] of [
    ["short", "Use at least 8 characters."],
    ["password123", /too common/],
  ] as const) {
    await email.fill(address);
    await password.fill(pw);
    await submitAndWait(page, submit);
    await expectFieldError(password, message);
    await expect(name).toHaveValue("Grace Hopper");
    await expect(email).toHaveValue(address);
    await expect(password).toHaveValue("");
  }

  // An address that already has an account.
  await email.fill(process.env.E2E_ADMIN_EMAIL ?? "admin@latchkey.test");
  await password.fill(strongPassword());
  await submitAndWait(page, submit);
  await expectFieldError(email, "An account with this email already exists.");
  // Told once, next to the field: the banner does not repeat it.
  await expect(page.getByText("An account with this email already exists.")).toHaveCount(1);

  await name.fill(LONG);
  await email.fill(`${LONG}@example.com`);
  await password.fill(LONG);
  await submitAndWait(page, submit);
  await expectFieldError(name, "Use at most 100 characters.");
  await expectFieldError(email, "This email address is too long.");
  await expectFieldError(password, "Use at most 128 characters.");
  await expect(password).toHaveValue("");

  // Nothing was created.
  await page.goto(`/admin/accounts?q=${encodeURIComponent(address)}`);
  await expect(page.getByText("No accounts match.")).toBeVisible();
  // A huge search term, page number or status is ignored, not an error (the URL stays under
  // Node's 16 KB header limit, which answers 431 by itself).
  const res = await page.goto(`/admin/accounts?q=${LONG}&page=${"9".repeat(400)}&status=${"x".repeat(400)}`);
  expect(res?.status()).toBe(200);
  await expectNoServerError(page, errors);
  await ctx.close();
});

test("admin: account settings form", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  const errors = watchServerErrors(page);
  await page.goto("/admin/settings/account");
  const timeframe = page.getByLabel("Online status timeframe (minutes)");
  const days = page.getByLabel("Session lifetime (days)");
  const limit = page.getByLabel("Limit number of profiles (0 - no limit)");
  const letter = page.getByLabel("Enable account activation letter");
  const submit = page.getByRole("button", { name: "Save settings" });
  const saved = { timeframe: await timeframe.inputValue(), days: await days.inputValue(), limit: await limit.inputValue(), letter: await letter.isChecked() };

  // Out of range, below and above; the other typed values stay.
  await timeframe.fill("0");
  await days.fill("45");
  await letter.setChecked(!saved.letter);
  await submitAndWait(page, submit);
  await expectFieldError(timeframe, "Use at least 1 minute.");
  await expectValid(days);
  await expect(timeframe).toHaveValue("0");
  await expect(days).toHaveValue("45");
  await expect(letter).toBeChecked({ checked: !saved.letter });

  await timeframe.fill("99999");
  await submitAndWait(page, submit);
  await expectFieldError(timeframe, /at most 43,200/);
  await expect(timeframe).toHaveValue("99999");

  // A browser empties a number field holding 10,000 digits; a crafted request still sends them.
  await timeframe.fill(saved.timeframe);
  await days.fill("2.5");
  await craft(limit, LONG_DIGITS);
  await submitAndWait(page, submit);
  await expectFieldError(days, "Enter a whole number of days.");
  await expectFieldError(limit, /number|at most/i);

  // Letters in a number field (a crafted request: the browser itself would not send them).
  await days.fill("30");
  await limit.fill("0");
  await craft(timeframe, "ten");
  await submitAndWait(page, submit);
  await expectFieldError(timeframe, "Enter a number of minutes.");

  // Nothing was saved.
  await page.reload();
  await expect(timeframe).toHaveValue(saved.timeframe);
  await expect(days).toHaveValue(saved.days);
  await expect(limit).toHaveValue(saved.limit);
  await expect(letter).toBeChecked({ checked: saved.letter });
  await expectNoServerError(page, errors);
  await ctx.close();
});
