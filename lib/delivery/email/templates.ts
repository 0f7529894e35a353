import "server-only";
// The text of every email Latchkey sends. Links always use the configured base URL, never the request's Host.
import { env } from "@/lib/env";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }) {
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:auto;padding:24px">
<h1 style="font-size:20px">${esc(title)}</h1>
${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("\n")}
${action ? `<p><a href="${esc(action.url)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${esc(action.label)}</a></p><p style="font-size:12px;color:#555">Or open: ${esc(action.url)}</p>` : ""}
<p style="font-size:12px;color:#555">Latchkey</p></body></html>`;
  const text = [title, "", ...paragraphs, ...(action ? ["", `${action.label}: ${action.url}`] : []), "", "Latchkey"].join("\n");
  return { html, text };
}

export const url = (path: string) => `${env().baseUrl}${path}`;

export function confirmEmailTemplate(p: { name: string; code: string; linkToken: string }) {
  const link = url(`/confirm/email?token=${encodeURIComponent(p.linkToken)}`);
  return {
    subject: `Your Latchkey confirmation code: ${p.code}`,
    ...layout(
      "Confirm your email address",
      [`Hello ${p.name},`, `Your confirmation code is ${p.code}. It is valid for 10 minutes.`, "You can also confirm with the button below."],
      { label: "Confirm email", url: link },
    ),
  };
}

export function signupAttemptTemplate() {
  return {
    subject: "Someone tried to register with your address",
    ...layout("Someone tried to register with your address", [
      "Someone tried to create a new Latchkey account with this email address, which already has an account.",
      "If it was you, sign in instead, or reset your password if you forgot it.",
      "If it wasn't you, you can ignore this message: your account is unchanged.",
    ], { label: "Sign in", url: url("/login") }),
  };
}

export function activationLetterTemplate(p: { name: string }) {
  return {
    subject: "Your Latchkey account is active",
    ...layout("Your account is active", [`Hello ${p.name},`, "Your account has been activated. You can now use every feature."], {
      label: "Sign in",
      url: url("/login"),
    }),
  };
}

export function passwordChangedTemplate(p: { name: string }) {
  return {
    subject: "Your Latchkey password was changed",
    ...layout("Your password was changed", [
      `Hello ${p.name},`,
      "The password of your account was just changed and your other sessions were signed out.",
      "If you did not do this, reset your password now and contact your administrator.",
    ], { label: "Sign in", url: url("/login") }),
  };
}

export function recoveryTemplate(p: { code: string; linkToken: string }) {
  const link = url(`/recover/reset?token=${encodeURIComponent(p.linkToken)}`);
  return {
    subject: `Reset your Latchkey password: ${p.code}`,
    ...layout(
      "Reset your password",
      [
        `Your password reset code is ${p.code}. It is valid for 10 minutes.`,
        "You can also choose a new password with the button below.",
        "If you did not ask for this, ignore this email: your password stays the same.",
      ],
      { label: "Choose a new password", url: link },
    ),
  };
}

export function passwordResetNoticeTemplate(p: { name: string }) {
  return {
    subject: "Your Latchkey password was reset",
    ...layout("Your password was reset", [
      `Hello ${p.name},`,
      "The password of your account was just reset. Every session was signed out and remembered devices were forgotten.",
      "If you did not do this, contact your administrator now.",
    ]),
  };
}

export function twoFactorCodeTemplate(p: { code: string }) {
  return {
    subject: `Your Latchkey security code: ${p.code}`,
    ...layout("Your security code", [
      `Your security code is ${p.code}. It is valid for 10 minutes.`,
      "If you are not signing in right now, someone knows your password: change it.",
    ]),
  };
}

export function twoFactorEmailConfirmTemplate(p: { code: string }) {
  return {
    subject: `Confirm your email for security codes: ${p.code}`,
    ...layout("Confirm your email for security codes", [`Your code is ${p.code}. It is valid for 10 minutes.`]),
  };
}

export function twoFactorFailuresTemplate(p: { account: string; when: string }) {
  return {
    subject: "Repeated failed two-step verification",
    ...layout("Repeated failed two-step verification", [
      `The account ${p.account} failed two-step verification 3 times in one sign-in (${p.when}).`,
      "The password of this account was right, so it may be known to someone else. Review the audit log.",
    ], { label: "Open the audit log", url: url("/admin/audit-log") }),
  };
}

export function blockingNoticeTemplate(p: { name: string; date: string }) {
  return {
    subject: `Your Latchkey account will be blocked on ${p.date}`,
    ...layout("Your account will be blocked", [
      `Hello ${p.name},`,
      `Your administrator has scheduled your account to be blocked on ${p.date}. From that day you will not be able to sign in.`,
      "If you think this is a mistake, contact your administrator before that date.",
      "You can turn these reminders off on the security page of your account.",
    ], { label: "Open your account", url: url("/account/security") }),
  };
}

export function emailChangeCodeTemplate(p: { code: string }) {
  return {
    subject: `Confirm your new email address: ${p.code}`,
    ...layout("Confirm your new email address", [
      `Your code is ${p.code}. It is valid for 10 minutes.`,
      "Type it on the Security page to use this address for your Latchkey account. If you did not ask for this, ignore this message.",
    ]),
  };
}

export function emailInUseTemplate() {
  return {
    subject: "This address already has a Latchkey account",
    ...layout("This address already has a Latchkey account", [
      "Someone asked to move another Latchkey account to this email address, which already has an account, so nothing was changed.",
      "If it was you, sign in to the account of this address instead.",
    ]),
  };
}

export function emailChangedTemplate(p: { name: string; newEmail: string }) {
  return {
    subject: "Your Latchkey email address was changed",
    ...layout("Your email address was changed", [
      `Hello ${p.name},`,
      `Your account now uses ${p.newEmail}. Messages will no longer come to this address.`,
      "If you did not do this, reset your password and contact your administrator.",
    ]),
  };
}

export function phoneInUseTemplate(p: { name: string; phone: string }) {
  return {
    subject: "Someone tried to add your phone number to another account",
    ...layout("Someone tried to add your phone number", [
      `Hello ${p.name},`,
      `Someone signed in to another Latchkey account tried to add ${p.phone}, the phone number of your account, to theirs. No code was sent to your phone.`,
      "If it was you, the number stays with this account: remove it here first if you want to move it.",
      "If it wasn't you, there is nothing to do: your account is unchanged.",
    ], { label: "Your security settings", url: url("/account/security") }),
  };
}
