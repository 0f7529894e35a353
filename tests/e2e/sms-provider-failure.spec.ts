// S1/S4/O5: the admin selects Twilio; when it fails the user sees a clear message, nothing is consumed, and a retry works.
import { expect, test } from "@playwright/test";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { adminContext, newUser, signOut } from "./helpers";
import { registerByPhone, smsCount } from "./phone-helpers";

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
  await page.getByLabel("Account SID").fill(TWILIO_SID);
  await page.getByLabel("Auth Token").fill(TWILIO_TOKEN);
  await page.getByLabel("From number").fill("+15005550006");
  await page.getByLabel("Active provider").selectOption("twilio");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("SMS settings saved.")).toBeVisible();
  await page.reload();
  const html = await page.content();
  expect(html).not.toContain(TWILIO_TOKEN);
  await expect(page.getByText(`Stored: ••••${TWILIO_TOKEN.slice(-4)}`)).toBeVisible();

  fake.mode("ok");
  await page.getByLabel("Phone number").fill("(415) 555-2671");
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(page.getByText("Test SMS sent through twilio.")).toBeVisible();
  const last = fake.requests.at(-1)!;
  expect(last.form.To).toBe("+14155552671");
  expect(last.form.From).toBe("+15005550006");

  fake.mode("5xx");
  await page.getByRole("button", { name: "Send test SMS" }).click();
  await expect(page.getByText(/The test SMS was not sent/)).toBeVisible();
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
