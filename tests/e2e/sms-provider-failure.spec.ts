// S1/S4/O5: the admin selects Twilio; when it fails the user sees a clear message, nothing is consumed, and a retry works.
import { expect, test } from "./test";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { adminContext, newUser, signOut } from "./helpers";
import { smsCount, uniquePhone } from "./phone-helpers";

test.describe.configure({ mode: "serial" });

let fake: TwilioFake;
test.beforeAll(async () => {
  fake = await startTwilioFake({ port: Number(process.env.E2E_TWILIO_PORT || 4599) });
});
test.afterAll(async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  await page.goto("/admin/settings/sms");
  await page.getByLabel("Active provider").selectOption("outbox");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("SMS settings saved.")).toBeVisible();
  await ctx.close();
  await fake.close();
});

test("admin configures Twilio (secret never shown back), test SMS succeeds and fails with a clear message", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  await page.goto("/admin/settings/sms");
  // A provider's fields show once it is chosen.
  await expect(page.getByLabel("Account SID")).toBeHidden();
  await page.getByLabel("Active provider").selectOption("twilio");
  await page.getByLabel("Account SID").fill(TWILIO_SID);
  await page.getByLabel("Auth Token").fill(TWILIO_TOKEN);
  await page.getByLabel("From number").fill("+15005550006");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("SMS settings saved.")).toBeVisible();
  await page.reload();
  const html = await page.content();
  expect(html).not.toContain(TWILIO_TOKEN);
  await expect(page.getByText(`Stored: ••••${TWILIO_TOKEN.slice(-4)}`)).toBeVisible();

  fake.mode("ok");
  await page.getByLabel("Phone number").fill("(415) 555-2671");
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(page.getByText("Test SMS sent. Sent through Twilio.")).toBeVisible();
  const last = fake.requests.at(-1)!;
  expect(last.form.To).toBe("+14155552671");
  expect(last.form.From).toBe("+15005550006");

  // Twilio failing with the outbox as the fallback: the report names both (S4).
  await page.getByLabel("Fallback provider").selectOption("outbox");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("SMS settings saved.")).toBeVisible();
  fake.mode("5xx");
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(
    page.getByText(/^Test SMS sent\. Twilio failed \(unavailable\): .*Sent through the fallback provider, Outbox \(no real delivery — for development\)\.$/),
  ).toBeVisible();
  await page.getByLabel("Fallback provider").selectOption("none");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("SMS settings saved.")).toBeVisible();
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(page.getByText(/The test SMS was not sent: Twilio failed/)).toBeVisible();

  // A number outside the country allowlist (the regional country, US) reaches no provider.
  const calls = fake.calls();
  await page.getByLabel("Phone number").fill("+44 7400 123456");
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(page.getByText(/not on the SMS country allowlist/)).toBeVisible();
  expect(fake.calls()).toBe(calls);
  fake.mode("ok");
  await ctx.close();
});

test("a provider failure during phone registration shows a clear message; the retry works", async ({ page }) => {
  fake.mode("5xx");
  await page.goto("/register/phone");
  await page.getByLabel("Phone number").fill("(212) 555-0147");
  const calls = fake.calls();
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText("We couldn't send the SMS, try again.").first()).toBeVisible();
  expect(fake.calls()).toBeGreaterThan(calls);
  await expect(page).not.toHaveURL(/step=code/);

  // Nothing was consumed (not even the resend cooldown): the retry goes through once the provider is back.
  fake.mode("ok");
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page).toHaveURL(/step=code/);
  const sent = fake.requests.filter((r) => r.form.To === "+12125550147" && r.path.endsWith("/Messages.json"));
  const code = sent.at(-1)!.form.Body!.match(/\b(\d{6})\b/)![1]!;
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=details/);
  // Twilio delivered it: nothing went to the outbox.
  expect(await smsCount(page.request, "+12125550147")).toBe(0);
});

test("a provider failure during phone sign-in: the same answer, then a notice for every number; asking again works at once", async ({ page, browser }) => {
  // An account whose phone was confirmed through Twilio.
  fake.mode("ok");
  const user = newUser("smsdown");
  const phone = uniquePhone();
  await page.goto("/register/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page).toHaveURL(/step=code/);
  await page.getByLabel("Code").fill(await twilioCode(phone.e164, 0));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=details/);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel(/^Email/).fill(user.email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  // The provider fails. The answer does not wait for the SMS, so it is the one any number gets.
  fake.mode("5xx");
  const before = sentTo(phone.e164).length;
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account uses/)).toBeVisible();
  await expect.poll(() => sentTo(phone.e164).length, { message: "the SMS is attempted after the answer" }).toBeGreaterThan(before);

  // The failure is announced on the page — to this visitor and to one who typed a number with no account.
  const trouble = "We're having trouble sending text messages right now.";
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: trouble })).toBeVisible();
  const stranger = await browser.newPage();
  await stranger.goto("/login/phone");
  await stranger.getByLabel("Phone number").fill(uniquePhone().national);
  await stranger.getByRole("button", { name: "Send code" }).click();
  await expect(stranger.getByText(/If an account uses/)).toBeVisible();
  await expect(stranger.getByRole("status").filter({ hasText: trouble })).toBeVisible();
  await stranger.close();

  // Nothing was consumed, not even the 30-second cooldown: asking again at once sends a code that signs in.
  fake.mode("ok");
  const failed = sentTo(phone.e164).length;
  await page.getByRole("button", { name: "Send a new code" }).click();
  await expect(page.getByText("If an account uses this number, we sent a new code.")).toBeVisible();
  const code = await twilioCode(phone.e164, failed);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // A delivery that worked clears the notice.
  await signOut(page);
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(uniquePhone().national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account uses/)).toBeVisible();
  await expect(page.getByText(trouble)).toHaveCount(0);
});

/** The messages the Twilio stand-in received for a number, oldest first. */
const sentTo = (e164: string) => fake.requests.filter((r) => r.form.To === e164 && r.path.endsWith("/Messages.json"));

/** Waits for a message to `e164` beyond the first `after`, and returns its code. */
async function twilioCode(e164: string, after: number) {
  await expect.poll(() => sentTo(e164).length, { message: `an SMS to ${e164}` }).toBeGreaterThan(after);
  return sentTo(e164)
    .at(-1)!
    .form.Body!.match(/\b(\d{6})\b/)![1]!;
}
