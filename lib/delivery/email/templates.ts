import "server-only";
// The words of every email Latchkey sends, in one layout (./layout.ts) with the site's name from the
// settings. Links always use the configured base URL, never the request's Host.
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { renderEmail, type EmailContent, type RenderedEmail, type Site } from "./layout";

export const url = (path: string) => `${env().baseUrl}${path}`;

/** The site's name (Account settings › Site name) and its address (LATCHKEY_BASE_URL). */
export async function currentSite(): Promise<Site> {
  const { siteName } = await getSettings("account");
  return { name: siteName, baseUrl: env().baseUrl };
}

/** One email: its content is written knowing the site, then rendered in the layout. */
async function email(write: (site: Site) => EmailContent): Promise<RenderedEmail> {
  const site = await currentSite();
  return renderEmail(site, write(site));
}

export function confirmEmailTemplate(p: { name: string; code: string; linkToken: string }) {
  return email((s) => ({
    subject: `Your ${s.name} confirmation code: ${p.code}`,
    title: "Confirm your email address",
    paragraphs: [`Hello ${p.name},`, `Your confirmation code is ${p.code}. It is valid for 10 minutes.`, "You can also confirm with the button below."],
    code: p.code,
    action: { label: "Confirm email", url: url(`/confirm/email?token=${encodeURIComponent(p.linkToken)}`) },
  }));
}

export function signupAttemptTemplate() {
  return email((s) => ({
    subject: "Someone tried to register with your address",
    title: "Someone tried to register with your address",
    paragraphs: [
      `Someone tried to create a new ${s.name} account with this email address, which already has an account.`,
      "If it was you, sign in instead, or reset your password if you forgot it.",
      "If it wasn't you, you can ignore this message: your account is unchanged.",
    ],
    action: { label: "Sign in", url: url("/login") },
  }));
}

export function activationLetterTemplate(p: { name: string }) {
  return email((s) => ({
    subject: `Your ${s.name} account is active`,
    title: "Your account is active",
    paragraphs: [`Hello ${p.name},`, "Your account has been activated. You can now use every feature."],
    action: { label: "Sign in", url: url("/login") },
  }));
}

export function passwordChangedTemplate(p: { name: string }) {
  return email((s) => ({
    subject: `Your ${s.name} password was changed`,
    title: "Your password was changed",
    paragraphs: [
      `Hello ${p.name},`,
      "The password of your account was just changed and your other sessions were signed out.",
      "If you did not do this, reset your password now and contact your administrator.",
    ],
    action: { label: "Sign in", url: url("/login") },
  }));
}

export function recoveryTemplate(p: { code: string; linkToken: string }) {
  return email((s) => ({
    subject: `Reset your ${s.name} password: ${p.code}`,
    title: "Reset your password",
    paragraphs: [
      `Your password reset code is ${p.code}. It is valid for 10 minutes.`,
      "You can also choose a new password with the button below.",
      "If you did not ask for this, ignore this email: your password stays the same.",
    ],
    code: p.code,
    action: { label: "Choose a new password", url: url(`/recover/reset?token=${encodeURIComponent(p.linkToken)}`) },
  }));
}

export function passwordResetNoticeTemplate(p: { name: string }) {
  return email((s) => ({
    subject: `Your ${s.name} password was reset`,
    title: "Your password was reset",
    paragraphs: [
      `Hello ${p.name},`,
      "The password of your account was just reset. Every session was signed out and remembered devices were forgotten.",
      "If you did not do this, contact your administrator now.",
    ],
  }));
}

export function twoFactorCodeTemplate(p: { code: string }) {
  return email((s) => ({
    subject: `Your ${s.name} security code: ${p.code}`,
    title: "Your security code",
    paragraphs: [
      `Your security code is ${p.code}. It is valid for 10 minutes.`,
      "If you are not signing in right now, someone knows your password: change it.",
    ],
    code: p.code,
  }));
}

export function twoFactorEmailConfirmTemplate(p: { code: string }) {
  return email(() => ({
    subject: `Confirm your email for security codes: ${p.code}`,
    title: "Confirm your email for security codes",
    paragraphs: [`Your code is ${p.code}. It is valid for 10 minutes.`],
    code: p.code,
  }));
}

export function twoFactorFailuresTemplate(p: { account: string; when: string }) {
  return email(() => ({
    subject: "Repeated failed two-step verification",
    title: "Repeated failed two-step verification",
    paragraphs: [
      `The account ${p.account} failed two-step verification 3 times in one sign-in (${p.when}).`,
      "The password of this account was right, so it may be known to someone else. Review the audit log.",
    ],
    action: { label: "Open the audit log", url: url("/admin/audit-log") },
  }));
}

export function blockingNoticeTemplate(p: { name: string; date: string }) {
  return email((s) => ({
    subject: `Your ${s.name} account will be blocked on ${p.date}`,
    title: "Your account will be blocked",
    paragraphs: [
      `Hello ${p.name},`,
      `Your administrator has scheduled your account to be blocked on ${p.date}. From that day you will not be able to sign in.`,
      "If you think this is a mistake, contact your administrator before that date.",
      "You can turn these reminders off on the security page of your account.",
    ],
    action: { label: "Open your account", url: url("/account/security") },
  }));
}

export function emailChangeCodeTemplate(p: { code: string }) {
  return email((s) => ({
    subject: `Confirm your new email address: ${p.code}`,
    title: "Confirm your new email address",
    paragraphs: [
      `Your code is ${p.code}. It is valid for 10 minutes.`,
      `Type it on the Security page to use this address for your ${s.name} account. If you did not ask for this, ignore this message.`,
    ],
    code: p.code,
  }));
}

export function emailInUseTemplate() {
  return email((s) => ({
    subject: `This address already has a ${s.name} account`,
    title: `This address already has a ${s.name} account`,
    paragraphs: [
      `Someone asked to move another ${s.name} account to this email address, which already has an account, so nothing was changed.`,
      "If it was you, sign in to the account of this address instead.",
    ],
  }));
}

export function emailChangedTemplate(p: { name: string; newEmail: string }) {
  return email((s) => ({
    subject: `Your ${s.name} email address was changed`,
    title: "Your email address was changed",
    paragraphs: [
      `Hello ${p.name},`,
      `Your account now uses ${p.newEmail}. Messages will no longer come to this address.`,
      "If you did not do this, reset your password and contact your administrator.",
    ],
  }));
}

export function phoneInUseTemplate(p: { name: string; phone: string }) {
  return email((s) => ({
    subject: "Someone tried to add your phone number to another account",
    title: "Someone tried to add your phone number",
    paragraphs: [
      `Hello ${p.name},`,
      `Someone signed in to another ${s.name} account tried to add ${p.phone}, the phone number of your account, to theirs. No code was sent to your phone.`,
      "If it was you, the number stays with this account: remove it here first if you want to move it.",
      "If it wasn't you, there is nothing to do: your account is unchanged.",
    ],
    action: { label: "Your security settings", url: url("/account/security") },
  }));
}
