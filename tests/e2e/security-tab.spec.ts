// A7, A9, A10, P4: the security tab — its summary rows in order, each opening its form; changing the email with a code, ending one session, the blocking-notice option.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { fillLogin, outbox, signIn, signOut, signUpAndConfirm, submitAndWait, uniqueEmail, waitForMail } from "./helpers";

const SECTIONS = ["Email", "Password", "Phone", "Two-step verification", "Trusted devices", "Sessions", "Connected apps", "Account blocking notices"];

async function sectionHeadings(page: Page) {
  return (await page.getByRole("heading", { level: 2 }).allTextContents()).map((h) => h.trim());
}

test("the rows come in order as a summary, each opening its form; the blocking-notice option only once it matters", async ({ page }) => {
  const user = await signUpAndConfirm(page, "order");
  await page.goto("/account/security");
  const headings = (await sectionHeadings(page)).filter((h) => SECTIONS.includes(h));
  // Two-step verification appears while 2FA is enabled by the admin; blocking notices only when a
  // block is scheduled or the notice was turned off; the rest always.
  expect(headings).toEqual(SECTIONS.filter((s) => s !== "Account blocking notices" && (s !== "Two-step verification" || headings.includes(s))));
  // A summary: each row says how it stands, and its form stays closed until asked for.
  const email = page.getByRole("region", { name: "Email" });
  await expect(email).toContainText(`${user.email} · confirmed`);
  await expect(email.getByLabel("New email address")).toBeHidden();
  await email.getByText("Change", { exact: true }).click();
  await expect(email.getByLabel("New email address")).toBeVisible();
  await expect(page.getByRole("region", { name: "Phone" })).toContainText("Not set");
  await expect(page.getByRole("region", { name: "Sessions" })).toContainText("1 browser is signed in");
  // A row can be opened by the address too (?open=), which works without JavaScript.
  await page.goto("/account/security?open=password");
  await expect(page.getByLabel("Current password")).toBeVisible();
  await expect(page.getByLabel("New email address")).toBeHidden();
});

test("changing the email: 'Send code to new address', the code from the new address, and sign-in with the new address", async ({ page }) => {
  const user = await signUpAndConfirm(page, "email-change");
  const next = uniqueEmail("moved");
  await page.goto("/account/security?open=email");
  const email = page.getByRole("region", { name: "Email" });
  // Bad input is answered next to the field.
  await email.getByLabel("New email address").fill("not-an-address");
  await submitAndWait(page, email.getByRole("button", { name: "Send code to new address" }));
  await expect(email.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();

  await email.getByLabel("New email address").fill(next);
  await email.getByRole("button", { name: "Send code to new address" }).click();
  await expect(email.getByText(`We sent a code to ${next}.`)).toBeVisible();
  const mail = await waitForMail(page.request, next, /Confirm your new email address/);
  const code = mail.body.match(/\b(\d{6})\b/)![1]!;
  // A wrong code changes nothing.
  await email.getByLabel("Code").fill(code === "000000" ? "111111" : "000000");
  await submitAndWait(page, email.getByRole("button", { name: "Confirm email" }));
  await expect(email.locator("#email-change-code-error")).toHaveText("That code is not right. Check it and try again.");
  await email.getByLabel("Code").fill(code);
  await email.getByRole("button", { name: "Confirm email" }).click();
  await expect(email.getByText(`Your email address is now ${next}.`)).toBeVisible();
  await expect(email.getByText(`${next} · confirmed`)).toBeVisible();
  // The old address is told.
  await waitForMail(page.request, user.email, /Your Latchkey email address was changed/);

  await signOut(page);
  await fillLogin(page, user.email, user.password);
  await expect(page.getByText("The email, phone or password is not right.").first()).toBeVisible();
  await signIn(page, next, user.password);
});

test("an address that already has an account gets a notice, not a code; the page answers the same", async ({ page, browser }) => {
  const owner = await (async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const u = await signUpAndConfirm(p, "owner");
    await ctx.close();
    return u;
  })();
  await signUpAndConfirm(page, "taker");
  await page.goto("/account/security?open=email");
  const email = page.getByRole("region", { name: "Email" });
  await email.getByLabel("New email address").fill(owner.email);
  await email.getByRole("button", { name: "Send code to new address" }).click();
  await expect(email.getByText(`We sent a code to ${owner.email}.`)).toBeVisible();
  await waitForMail(page.request, owner.email, /This address already has a Latchkey account/);
  expect((await outbox(page.request, owner.email)).some((m) => /Confirm your new email address/.test(m.subject ?? ""))).toBe(false);
});

test("the sessions list ends one other session; that browser is signed out", async ({ page: a, browser }) => {
  const user = await signUpAndConfirm(a, "one-session");
  const ctxB = await browser.newContext({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/140.0" });
  const b = await ctxB.newPage();
  await signIn(b, user.email, user.password);

  await a.goto("/account/security?open=sessions");
  const sessions = a.getByRole("list", { name: "Active sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(2);
  const other = sessions.filter({ hasNotText: "This device" });
  await expect(other).toContainText("Last active");
  await other.getByRole("button", { name: "Sign out" }).click();
  await expect(a.getByText("The session was signed out.")).toBeVisible();
  await expect(sessions).toHaveCount(1);

  await b.goto("/dashboard");
  await expect(b).toHaveURL(/\/login$/);
  await a.goto("/dashboard");
  await expect(a).toHaveURL(/\/dashboard$/);
  await ctxB.close();
});
