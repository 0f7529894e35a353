// Brute force spread over many "client IPs": without LATCHKEY_TRUST_PROXY (the test server sets
// none) X-Forwarded-For and X-Real-IP are the client's word and are ignored, so rotating them buys
// an attacker nothing. The per-identifier sign-in limit (10 failures per 15 minutes) and a code's
// 5 tries hold whatever the headers say. (With a trusted proxy the headers are read:
// tests/unit/request.test.ts.)
import { expect, test } from "../e2e/test";
import { fillLogin, newUser, signOut, signUpAndConfirm } from "../e2e/helpers";
import { registerByPhone, smsCode, smsCount } from "../e2e/phone-helpers";
import { captureAction, replayAction, sessionCookiesSet } from "./http";

const INVALID = "The email, phone or password is not right.";
const LIMITED = /Too many sign-in attempts\. Try again in/;

/** A different made-up client address for every request, in both headers. */
const spoofed = (i: number) => ({
  "x-forwarded-for": `198.51.100.${(i % 250) + 1}, 203.0.113.${(i * 7) % 250}`,
  "x-real-ip": `192.0.2.${(i % 250) + 1}`,
});

test("password guesses from rotating X-Forwarded-For / X-Real-IP still stop at the per-account limit", async ({ page, browser, request }) => {
  const user = await signUpAndConfirm(page, "xff-login");
  await signOut(page);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const login = await captureAction(p, () => fillLogin(p, user.email, user.password), { block: true });
  await ctx.close();

  for (let i = 0; i < 10; i++) {
    const res = await replayAction(request, login, { cookie: "", fields: { password: `wrong guess ${i} for sure` }, headers: spoofed(i) });
    expect(res.status(), `guess ${i + 1}`).toBe(200);
    expect(await res.text(), `guess ${i + 1}`).toContain(INVALID);
  }
  // The right password from yet another "address" is refused too: the headers did not split the count.
  const res = await replayAction(request, login, { cookie: "", headers: spoofed(99) });
  expect(sessionCookiesSet(res)).toEqual([]);
  expect(await res.text()).toMatch(LIMITED);
});

test("code guesses from rotating X-Forwarded-For / X-Real-IP still stop at the code's 5 tries", async ({ page, browser, request }) => {
  const user = newUser("xff-phone");
  const phone = await registerByPhone(page, { name: user.name, email: user.email });
  await signOut(page);
  const before = await smsCount(page.request, phone.e164);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto("/login/phone");
  await p.getByLabel("Phone number").fill(phone.national);
  await p.getByRole("button", { name: "Send code" }).click();
  await expect(p.getByLabel("Code")).toBeVisible();
  const code = await smsCode(p.request, phone.e164, before);
  const wrong = code === "000000" ? "111111" : "000000";
  await p.getByLabel("Code").fill(wrong);
  const verify = await captureAction(p, () => p.getByRole("button", { name: "Sign in", exact: true }).click(), { block: true });
  await ctx.close();

  for (let i = 0; i < 5; i++) {
    const res = await replayAction(request, verify, { headers: spoofed(i) });
    expect(await res.text(), `guess ${i + 1}`).toContain("That code is not right. Check it and try again.");
  }
  const res = await replayAction(request, verify, { fields: { code }, headers: spoofed(42) });
  expect(sessionCookiesSet(res)).toEqual([]);
  expect(await res.text()).toContain("Too many wrong tries for this code. Ask for a new code.");
});
