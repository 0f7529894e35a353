// Account enumeration by answer (A8, P2, B-baseline): signup, login, recovery, phone login and
// resend-confirmation answer an existing and an unknown identifier with the same status, redirect,
// cookies (names and attributes) and body, once the identifier itself and per-request values are
// replaced. Timing is measured on the lib functions in enumeration-timing.test.ts.
import { type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { expect, test } from "../e2e/test";
import { newUser, signUp, signUpAndConfirm, uniqueEmail } from "../e2e/helpers";
import { registerByPhone, uniquePhone } from "../e2e/phone-helpers";
import { captureAction, freshPow, replayAction } from "./http";

type Shape = { status: number; redirect: string; cookies: string[]; body: string };

/** What an observer learns from an answer, with the identifier and per-request values blanked. */
async function shape(res: APIResponse, identifiers: string[]): Promise<Shape> {
  const blank = (s: string) => {
    let out = s;
    for (const id of identifiers) {
      out = out.split(id).join("<id>").split(encodeURIComponent(id)).join("<id>");
    }
    return out;
  };
  const cookies = res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => {
      const [pair, ...attrs] = h.value.split(";").map((s) => s.trim());
      const name = pair!.split("=")[0];
      // The value is per request; Expires moves with the clock.
      return [name, ...attrs.filter((a) => !/^expires=/i.test(a)).sort()].join("; ");
    })
    .sort();
  const redirect = blank(res.headers()["x-action-redirect"] ?? res.headers()["location"] ?? "");
  const body = blank(await res.text())
    // React/Next per-request ids and build-independent noise.
    .replace(/"(\$@|\$L|\$S|\$F)[0-9a-f]+"/g, '"$1"')
    // Per-request React keys (metadata boundaries) and other random ids.
    .replace(/"[A-Za-z0-9_-]{20,24}"/g, '"<rid>"')
    .replace(/\b[0-9a-f]{32,}\b/g, "<hex>")
    // The Content-Security-Policy nonce of each response (16 random bytes, base64).
    .replace(/[A-Za-z0-9+/]{22}==/g, "<nonce>")
    .replace(/\d{10,}/g, "<n>");
  // The rows of a React Server Components stream ("<id>:<chunk>") arrive in the order their data
  // resolved, which follows the server's timing (a settings read answered from the process's copy or
  // from the database), not the account: compared as a set. Timing itself is measured elsewhere.
  const rows = /^[0-9a-f]+:/.test(body) ? body.split("\n").sort().join("\n") : body;
  return { status: res.status(), redirect, cookies, body: rows };
}

/** Where two bodies first differ, with some context: a readable failure message. */
function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `existing: …${a.slice(Math.max(0, i - 120), i + 120)}…\nunknown:  …${b.slice(Math.max(0, i - 120), i + 120)}…`;
}

/**
 * Captures one submission of a form, then replays it with `field` set to each identifier from a
 * clean client. `variants` lists other spellings of each identifier the page may echo (formats of
 * a phone number), blanked like the identifier itself.
 */
async function compare(
  page: Page,
  request: APIRequestContext,
  fill: () => Promise<unknown>,
  submit: () => Promise<unknown>,
  field: string,
  existing: string | string[],
  unknown: string | string[],
) {
  const [known, other] = [[existing].flat(), [unknown].flat()];
  await fill();
  const action = await captureAction(page, submit, { block: true });
  const base = action.headers.cookie ?? "";
  // Both sets are blanked in both answers: the page the form was captured on may carry one in its URL.
  const blanked = [...known, ...other];
  // A form that sends an SMS carries a proof of work, spent by its first use: each replay solves its own.
  const withPow = /name="(_?\d+_)?altcha"/.test(action.body.toString("latin1"));
  const pow = async (): Promise<Record<string, string>> => (withPow ? { altcha: await freshPow(request) } : {});
  const a = await shape(await replayAction(request, action, { cookie: base, fields: { [field]: known[0]!, ...(await pow()) } }), blanked);
  const b = await shape(await replayAction(request, action, { cookie: base, fields: { [field]: other[0]!, ...(await pow()) } }), blanked);
  expect(a.status).toBeLessThan(500);
  expect(firstDifference(a.body, b.body), "the bodies differ").toBeNull();
  expect(b).toEqual(a);
  return a;
}

test("signup, login, recovery and resend-confirmation answer an existing and an unknown address alike", async ({ page, browser, request }) => {
  const known = await signUpAndConfirm(page, "enum");
  const waiting = newUser("enum-wait");
  const visitor = await (await browser.newContext()).newPage();
  await signUp(visitor, waiting); // registered, email not confirmed yet

  const anon = await (await browser.newContext()).newPage();
  // Sign-up with a taken address vs a new one (both redirect to "check your email").
  await anon.goto("/signup");
  const signup = await compare(
    anon,
    request,
    async () => {
      await anon.getByLabel("Name").fill("Enum Test");
      await anon.getByLabel("Email").fill(uniqueEmail("placeholder"));
      await anon.getByLabel("Password").fill("Amber kettle enum ridge");
    },
    () => anon.getByRole("button", { name: "Create account" }).click(),
    "email",
    known.email,
    uniqueEmail("enum-new"),
  );
  expect(signup.redirect).toMatch(/\/signup\/check-email/);

  // Sign-in with a wrong password vs an unknown address.
  await anon.goto("/login");
  await compare(
    anon,
    request,
    async () => {
      await anon.getByLabel("Email or phone").fill("placeholder@example.com");
      await anon.getByLabel("Password").fill("not the password at all");
    },
    () => anon.getByRole("button", { name: "Sign in", exact: true }).click(),
    "identifier",
    known.email,
    uniqueEmail("enum-nobody"),
  );

  // Recovery.
  await anon.goto("/recover");
  const recover = await compare(
    anon,
    request,
    () => anon.getByLabel(/^Email/).fill("placeholder@example.com"),
    () => anon.getByRole("button", { name: "Send code" }).click(),
    "identifier",
    known.email,
    uniqueEmail("enum-nobody"),
  );
  expect(recover.redirect).toMatch(/\/recover\?step=code/);

  // Resend confirmation, from the "check your email" page, within seconds of the sign-up: the code the
  // sign-up sent does not show in the answer (the resend counts its own cooldown).
  const unknownWaiting = uniqueEmail("enum-nobody");
  await anon.goto(`/signup/check-email?email=${encodeURIComponent(waiting.email)}`);
  const resend = anon.getByRole("button", { name: "Send a new code" });
  await compare(
    anon,
    request,
    async () => {},
    () => resend.click(),
    "email",
    waiting.email,
    unknownWaiting,
  );
});

test("phone login answers a registered and an unknown number alike", async ({ page, browser, request }) => {
  const phone = await registerByPhone(page, { name: "Enum Phone", email: uniqueEmail("enum-phone") });
  const other = uniquePhone();
  const anon = await (await browser.newContext()).newPage();
  await anon.goto("/login/phone");
  await compare(
    anon,
    request,
    () => anon.getByLabel("Phone number").fill(uniquePhone().national),
    () => anon.getByRole("button", { name: "Send code" }).click(),
    "phone",
    [phone.national, phone.e164, phone.international],
    [other.national, other.e164, other.international],
  );
});
