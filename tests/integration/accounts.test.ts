import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { auditLog, codes, users } from "@/db/schema";
import { activateAccount } from "@/lib/accounts/activation";
import { blockAccount, createAccountByAdmin, ensureAdmin, setRights, unblockAccount } from "@/lib/accounts/admin";
import { changePassword, checkPassword } from "@/lib/accounts/password";
import { confirmEmailWithCode, confirmEmailWithLink, resendConfirmationTo } from "@/lib/accounts/confirm-email";
import { findUserByEmail, getUser } from "@/lib/accounts/queries";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { validateSession } from "@/lib/auth/sessions";
import { ErrorCodes } from "@/lib/shared/errors";
import {
  PASSWORD,
  createUser,
  emailsTo,
  latestConfirmation,
  sessionIdOf,
  setAccountSettings,
  signedInSession,
  uniqueEmail,
  userRow,
} from "../support/fixtures";
import { rejection } from "../support/rejection";

const ACTIVATION_SUBJECT = "Your Latchkey account is active";
const ATTEMPT_SUBJECT = "Someone tried to register with your address";

const userCount = async () => Number((await db.select({ n: count() }).from(users))[0]!.n);
const auditsFor = (userId: string, action: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.userId, userId), eq(auditLog.action, action)));

// These run first: ensureAdmin only acts while the database has no admin at all.
describe("ensureAdmin", () => {
  it("creates the first admin once; later calls change nothing", async () => {
    const email = uniqueEmail("admin");
    const id = await ensureAdmin(email, PASSWORD);
    expect(id).toBeTruthy();
    expect(await ensureAdmin(email, PASSWORD)).toBeNull();
    expect(await ensureAdmin(uniqueEmail("second-admin"), PASSWORD)).toBeNull();
    const admins = await db.select().from(users).where(eq(users.isAdmin, true));
    expect(admins.map((a) => a.email)).toEqual([email]);
    expect(admins[0]).toMatchObject({ status: "active" });
    expect(admins[0]!.emailVerifiedAt).not.toBeNull();
  });

  it("does nothing without both an email and a password", async () => {
    expect(await ensureAdmin(undefined, PASSWORD)).toBeNull();
    expect(await ensureAdmin(uniqueEmail(), undefined)).toBeNull();
  });
});

describe("email sign-up (A1, A2, A4)", () => {
  it("with automatic activation on, creates an active account and emails a 6-digit code and a link", async () => {
    await setAccountSettings({ automaticActivation: true });
    const email = uniqueEmail("signup");
    await signUpWithEmail({ name: "  Ada Lovelace ", email: email.toUpperCase(), password: PASSWORD });

    const user = await userRow(email);
    expect(user).toMatchObject({ name: "Ada Lovelace", email, status: "active", isAdmin: false });
    expect(user!.activatedAt).not.toBeNull();
    expect(user!.emailVerifiedAt).toBeNull();
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);

    const { mail, code, token } = await latestConfirmation(email);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.subject).toContain(code);
    // Links use the configured base URL, never a request's Host.
    expect(mail.body).toContain(`http://latchkey.test/confirm/email?token=${token}`);
    expect(await auditsFor(user!.id, "account.created")).toHaveLength(1);
  });

  it("with automatic activation off, creates a pending account", async () => {
    await setAccountSettings({ automaticActivation: false });
    try {
      const email = uniqueEmail("pending");
      await signUpWithEmail({ name: "Pending Person", email, password: PASSWORD });
      const user = await userRow(email);
      expect(user).toMatchObject({ status: "pending", activatedAt: null });
      await latestConfirmation(email);
      expect((await emailsTo(email)).some((m) => m.subject === ACTIVATION_SUBJECT)).toBe(false);
    } finally {
      await setAccountSettings({ automaticActivation: true });
    }
  });

  it("'Send a new code' right after a sign-up answers as for an unknown address; a second one waits, for both", async () => {
    const waiting = uniqueEmail("resend-waiting");
    const unknown = uniqueEmail("resend-unknown");
    await signUpWithEmail({ name: "Waiting Person", email: waiting, password: PASSWORD });
    // The sign-up's own code does not start the cooldown of the signed-out resend.
    await expect(resendConfirmationTo(waiting)).resolves.toBeUndefined();
    await expect(resendConfirmationTo(unknown)).resolves.toBeUndefined();
    expect((await rejection(resendConfirmationTo(waiting))).code).toBe(ErrorCodes.RESEND_COOLDOWN);
    expect((await rejection(resendConfirmationTo(unknown))).code).toBe(ErrorCodes.RESEND_COOLDOWN);
  });

  it("refuses a weak password and creates nothing", async () => {
    const email = uniqueEmail("weak");
    const before = await userCount();
    const err = await rejection(signUpWithEmail({ name: "Weak", email, password: "password" }));
    expect(err).toMatchObject({ code: ErrorCodes.WEAK_PASSWORD, field: "password" });
    expect((await rejection(signUpWithEmail({ name: "Weak", email, password: email }))).code).toBe(ErrorCodes.WEAK_PASSWORD);
    expect(await userCount()).toBe(before);
    expect(await emailsTo(email)).toEqual([]);
  });

  it("for an address that already has an account creates nothing and warns the owner", async () => {
    const existing = await createUser();
    const before = await userCount();
    const result = await signUpWithEmail({ name: "Impostor", email: existing.email!, password: "another fine passphrase" });
    expect(await userCount()).toBe(before);
    expect(result).toBe(await signUpWithEmail({ name: "New", email: uniqueEmail("fresh"), password: PASSWORD })); // the same answer as a new sign-up
    const mails = await emailsTo(existing.email!);
    expect(mails.map((m) => m.subject)).toEqual([ATTEMPT_SUBJECT]);
    // The existing account is untouched.
    expect(await getUser(existing.id)).toEqual(existing);
    expect(await db.select().from(codes).where(eq(codes.target, existing.email!))).toEqual([]);
  });

  it("counts sign-ups per IP", async () => {
    const ip = "198.51.100.77";
    // The limit is 20 per hour; the 21st is refused before any work.
    for (let i = 0; i < 20; i++) {
      await signUpWithEmail({ name: "Bulk", email: uniqueEmail("bulk"), password: PASSWORD, ip });
    }
    const email = uniqueEmail("bulk-refused");
    expect((await rejection(signUpWithEmail({ name: "Bulk", email, password: PASSWORD, ip }))).code).toBe(ErrorCodes.RATE_LIMITED);
    expect(await userRow(email)).toBeNull();
  });
});

describe("email confirmation (A4)", () => {
  it("confirms with the typed code, once", async () => {
    const email = uniqueEmail("confirm-code");
    await signUpWithEmail({ name: "Code", email, password: PASSWORD });
    const { code } = await latestConfirmation(email);
    const result = await confirmEmailWithCode(email, code);
    expect(result.firstConfirmation).toBe(true);
    expect(result.user.emailVerifiedAt).not.toBeNull();
    expect((await userRow(email))!.emailVerifiedAt).not.toBeNull();
    expect((await rejection(confirmEmailWithCode(email, code))).code).toBe(ErrorCodes.CODE_USED);
  });

  it("refuses a wrong code and leaves the email unconfirmed", async () => {
    const email = uniqueEmail("confirm-wrong");
    await signUpWithEmail({ name: "Wrong", email, password: PASSWORD });
    const { code } = await latestConfirmation(email);
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await rejection(confirmEmailWithCode(email, wrong))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await userRow(email))!.emailVerifiedAt).toBeNull();
  });

  it("confirms with the emailed link, once; the code of that email is then used too", async () => {
    const email = uniqueEmail("confirm-link");
    await signUpWithEmail({ name: "Link", email, password: PASSWORD });
    const { code, token } = await latestConfirmation(email);
    const result = await confirmEmailWithLink(token);
    expect(result.firstConfirmation).toBe(true);
    expect(result.user.email).toBe(email);
    expect((await userRow(email))!.emailVerifiedAt).not.toBeNull();
    expect((await rejection(confirmEmailWithLink(token))).code).toBe(ErrorCodes.CODE_USED);
    expect((await rejection(confirmEmailWithCode(email, code))).code).toBe(ErrorCodes.CODE_USED);
  });

  it("a code sent to one address does not confirm another account", async () => {
    const a = uniqueEmail("confirm-a");
    const b = uniqueEmail("confirm-b");
    await signUpWithEmail({ name: "A", email: a, password: PASSWORD });
    await signUpWithEmail({ name: "B", email: b, password: PASSWORD });
    const { code } = await latestConfirmation(a);
    const { code: codeB } = await latestConfirmation(b);
    if (code !== codeB) expect((await rejection(confirmEmailWithCode(b, code))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await userRow(b))!.emailVerifiedAt).toBeNull();
  });
});

describe("activation (A2, A3)", () => {
  it("activating a pending account sends the activation letter when the setting is on", async () => {
    await setAccountSettings({ automaticActivation: false, activationLetter: true });
    try {
      const email = uniqueEmail("activate-on");
      await signUpWithEmail({ name: "Letter", email, password: PASSWORD });
      const user = (await userRow(email))!;
      expect(user.status).toBe("pending");
      expect(await activateAccount(user.id, "admin-x")).toBe(true);
      expect(await userRow(email)).toMatchObject({ status: "active" });
      expect((await userRow(email))!.activatedAt).not.toBeNull();
      expect((await emailsTo(email)).filter((m) => m.subject === ACTIVATION_SUBJECT)).toHaveLength(1);
      expect(await auditsFor(user.id, "account.activated")).toHaveLength(1);
      // Activating an active account does nothing and sends nothing.
      expect(await activateAccount(user.id, "admin-x")).toBe(false);
      expect((await emailsTo(email)).filter((m) => m.subject === ACTIVATION_SUBJECT)).toHaveLength(1);
    } finally {
      await setAccountSettings({ automaticActivation: true, activationLetter: true });
    }
  });

  it("activating sends no letter when the setting is off", async () => {
    await setAccountSettings({ automaticActivation: false, activationLetter: false });
    try {
      const email = uniqueEmail("activate-off");
      await signUpWithEmail({ name: "No Letter", email, password: PASSWORD });
      const user = (await userRow(email))!;
      expect(await activateAccount(user.id, "admin-x")).toBe(true);
      expect(await userRow(email)).toMatchObject({ status: "active" });
      expect((await emailsTo(email)).some((m) => m.subject === ACTIVATION_SUBJECT)).toBe(false);
    } finally {
      await setAccountSettings({ automaticActivation: true, activationLetter: true });
    }
  });

  it("automatic activation: the letter goes out once the address is confirmed, never together with the code", async () => {
    await setAccountSettings({ automaticActivation: true, activationLetter: true, confirmationMode: "email" });
    const email = uniqueEmail("auto-letter");
    await signUpWithEmail({ name: "Auto", email, password: PASSWORD });
    const letters = async () => (await emailsTo(email)).filter((m) => m.subject === ACTIVATION_SUBJECT);
    expect(await letters()).toHaveLength(0);
    const { code } = await latestConfirmation(email);
    await confirmEmailWithCode(email, code);
    expect(await letters()).toHaveLength(1);
  });

  it("an admin's activation before the confirmation sends the letter once, not again at the confirmation", async () => {
    await setAccountSettings({ automaticActivation: false, activationLetter: true, confirmationMode: "email" });
    try {
      const email = uniqueEmail("activate-first");
      await signUpWithEmail({ name: "Early", email, password: PASSWORD });
      const user = (await userRow(email))!;
      expect(await activateAccount(user.id, "admin-x")).toBe(true);
      const { token } = await latestConfirmation(email);
      await confirmEmailWithLink(token);
      expect((await emailsTo(email)).filter((m) => m.subject === ACTIVATION_SUBJECT)).toHaveLength(1);
    } finally {
      await setAccountSettings({ automaticActivation: true });
    }
  });
});

describe("sign-up in each confirmation mode (A4)", () => {
  const CONFIRMATION = /confirmation code/;
  for (const mode of ["none", "phone"] as const) {
    it(`"${mode}": no confirmation email; an active account gets its activation letter at once`, async () => {
      await setAccountSettings({ confirmationMode: mode, automaticActivation: true, activationLetter: true });
      try {
        const email = uniqueEmail(`mode-${mode}`);
        const next = await signUpWithEmail({ name: "Mode", email, password: PASSWORD });
        expect(next).toBe(mode === "none" ? "sign-in" : "confirm-phone");
        expect((await emailsTo(email)).map((m) => m.subject)).toEqual([ACTIVATION_SUBJECT]);
        expect(await db.select().from(codes).where(eq(codes.target, email))).toEqual([]);
        // The answer for an address that has an account is the same, and it gets the notice only.
        const existing = await createUser();
        expect(await signUpWithEmail({ name: "Again", email: existing.email!, password: PASSWORD })).toBe(next);
        expect((await emailsTo(existing.email!)).map((m) => m.subject)).toEqual([ATTEMPT_SUBJECT]);
      } finally {
        await setAccountSettings({ confirmationMode: "email" });
      }
    });
  }

  it(`"both": the confirmation email, and no letter yet`, async () => {
    await setAccountSettings({ confirmationMode: "both", automaticActivation: true, activationLetter: true });
    try {
      const email = uniqueEmail("mode-both");
      expect(await signUpWithEmail({ name: "Both", email, password: PASSWORD })).toBe("check-email");
      const subjects = (await emailsTo(email)).map((m) => m.subject ?? "");
      expect(subjects).toHaveLength(1);
      expect(subjects[0]).toMatch(CONFIRMATION);
    } finally {
      await setAccountSettings({ confirmationMode: "email" });
    }
  });
});

describe("blocking and rights (A9, A7, P4)", () => {
  it("blocking ends every session of the account and is audited; unblocking restores the status", async () => {
    const user = await createUser();
    const s1 = await signedInSession(user.id);
    const s2 = await signedInSession(user.id);
    expect(await blockAccount(user.id, "admin-x")).toBe(true);
    expect(await getUser(user.id)).toMatchObject({ status: "blocked" });
    expect((await getUser(user.id))!.blockedAt).not.toBeNull();
    expect(await validateSession(s1)).toBeNull();
    expect(await validateSession(s2)).toBeNull();
    expect(await auditsFor(user.id, "account.blocked")).toHaveLength(1);
    expect(await blockAccount(user.id, "admin-x")).toBe(false);

    expect(await unblockAccount(user.id, "admin-x")).toBe(true);
    expect(await getUser(user.id)).toMatchObject({ status: "active", blockedAt: null });
    expect(await unblockAccount(user.id, "admin-x")).toBe(false);
    // Old sessions stay ended; a new sign-in works.
    expect(await validateSession(s1)).toBeNull();
    expect(await checkPassword({ user: (await getUser(user.id))!, identifierKey: `email:${user.email}`, password: PASSWORD })).toMatchObject({ id: user.id });
  });

  it("unblocking a never-activated account returns it to pending", async () => {
    await setAccountSettings({ automaticActivation: false });
    try {
      const email = uniqueEmail("pending-block");
      await signUpWithEmail({ name: "P", email, password: PASSWORD });
      const user = (await userRow(email))!;
      await blockAccount(user.id, null);
      await unblockAccount(user.id, null);
      expect(await getUser(user.id)).toMatchObject({ status: "pending" });
    } finally {
      await setAccountSettings({ automaticActivation: true });
    }
  });

  it("setRights stores the rights and audits the change", async () => {
    const user = await createUser();
    expect(user).toMatchObject({ canChangePassword: true, canReceiveSms: true });
    await setRights(user.id, { canChangePassword: false, canReceiveSms: true }, "admin-x");
    expect(await getUser(user.id)).toMatchObject({ canChangePassword: false, canReceiveSms: true });
    const [entry] = await auditsFor(user.id, "account.rights_changed");
    expect(entry!.detail).toEqual({ canChangePassword: { from: true, to: false } });
    // Without the right, the password cannot be changed.
    expect((await rejection(changePassword({ userId: user.id, current: PASSWORD, next: "a brand new passphrase", keepSessionId: null }))).code).toBe(
      ErrorCodes.NOT_ALLOWED,
    );
    expect((await rejection(setRights("no-such-user", { canChangePassword: true, canReceiveSms: true }, null))).code).toBe(ErrorCodes.NOT_FOUND);
  });
});

describe("accounts created by an admin (A12)", () => {
  it("creates an active account, with the email confirmed when asked", async () => {
    const email = uniqueEmail("by-admin");
    const u = await createAccountByAdmin({ name: "Made", email, password: PASSWORD, emailConfirmed: true, actorId: "admin-x" });
    expect(u).toMatchObject({ email, status: "active", isAdmin: false });
    expect(u.emailVerifiedAt).not.toBeNull();
    const unconfirmed = await createAccountByAdmin({ name: "Made", email: uniqueEmail(), password: PASSWORD, emailConfirmed: false, actorId: "admin-x" });
    expect(unconfirmed.emailVerifiedAt).toBeNull();
  });

  it("refuses a duplicate address, whatever its case", async () => {
    const email = uniqueEmail("dup");
    await createAccountByAdmin({ name: "First", email, password: PASSWORD, emailConfirmed: true, actorId: null });
    const before = await userCount();
    const err = await rejection(
      createAccountByAdmin({ name: "Second", email: ` ${email.toUpperCase()} `, password: PASSWORD, emailConfirmed: true, actorId: null }),
    );
    expect(err).toMatchObject({ code: ErrorCodes.EMAIL_IN_USE, field: "email" });
    expect(await userCount()).toBe(before);
  });

  it("applies the password policy", async () => {
    const err = await rejection(createAccountByAdmin({ name: "W", email: uniqueEmail(), password: "12345678", emailConfirmed: true, actorId: null }));
    expect(err.code).toBe(ErrorCodes.WEAK_PASSWORD);
  });
});

describe("password check (A1, S8)", () => {
  const check = async (email: string, password: string) =>
    checkPassword({ user: await findUserByEmail(email), identifierKey: `email:${email.toLowerCase()}`, password });

  it("accepts the right password", async () => {
    const user = await createUser();
    await expect(check(user.email!, PASSWORD)).resolves.toMatchObject({ id: user.id });
  });

  it("gives the same INVALID_CREDENTIALS for an unknown identifier and a wrong password", async () => {
    const user = await createUser();
    const unknown = await rejection(check(uniqueEmail("nobody"), PASSWORD));
    const wrong = await rejection(check(user.email!, "not the right passphrase"));
    expect(unknown.code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    expect(wrong.code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    expect(unknown.message).toBe(wrong.message);
    expect(await auditsFor(user.id, "signin.failed")).toHaveLength(1);
  });

  it("refuses a blocked account with ACCOUNT_BLOCKED, only after the right password", async () => {
    const user = await createUser();
    await blockAccount(user.id, null);
    const blocked = await rejection(check(user.email!, PASSWORD));
    expect(blocked.code).toBe(ErrorCodes.ACCOUNT_BLOCKED);
    expect(blocked.message).toMatch(/^This account was blocked on \d{1,2} [A-Z][a-z]+ \d{4}\. Contact your administrator\.$/);
    // A wrong password does not reveal the block.
    expect((await rejection(check(user.email!, "not the right passphrase"))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
  });

  it("after 10 attempts per identifier refuses with RATE_LIMITED, even the right password", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) {
      expect((await rejection(check(user.email!, `wrong passphrase ${i}`))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    }
    const limited = await rejection(check(user.email!, PASSWORD));
    expect(limited.code).toBe(ErrorCodes.RATE_LIMITED);
    expect(limited.message).toMatch(/Try again in \d+ (seconds|minutes)/);
    // Another identifier is not affected.
    const other = await createUser();
    await expect(check(other.email!, PASSWORD)).resolves.toMatchObject({ id: other.id });
  });

  it("the right password clears the identifier's count, so an owner's own sign-ins never lock them out", async () => {
    const user = await createUser();
    for (let i = 0; i < 9; i++) await rejection(check(user.email!, `wrong passphrase ${i}`));
    await expect(check(user.email!, PASSWORD)).resolves.toMatchObject({ id: user.id });
    for (let i = 0; i < 12; i++) await expect(check(user.email!, PASSWORD)).resolves.toMatchObject({ id: user.id });
    // Counting starts again from zero: 10 more failures are answered, the 11th attempt is limited.
    for (let i = 0; i < 10; i++) expect((await rejection(check(user.email!, `wrong again ${i}`))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    expect((await rejection(check(user.email!, PASSWORD))).code).toBe(ErrorCodes.RATE_LIMITED);
  });

  it("an unknown identifier is limited the same way", async () => {
    const email = uniqueEmail("ghost");
    for (let i = 0; i < 10; i++) expect((await rejection(check(email, PASSWORD))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    expect((await rejection(check(email, PASSWORD))).code).toBe(ErrorCodes.RATE_LIMITED);
  });
});

describe("change password (A7)", () => {
  it("refuses a wrong current password and keeps the old one", async () => {
    const user = await createUser();
    const err = await rejection(changePassword({ userId: user.id, current: "not my passphrase", next: "a brand new passphrase", keepSessionId: null }));
    expect(err).toMatchObject({ code: ErrorCodes.WRONG_PASSWORD, field: "currentPassword" });
    expect((await getUser(user.id))!.passwordHash).toBe(user.passwordHash);
  });

  it("refuses a weak new password", async () => {
    const user = await createUser();
    const err = await rejection(changePassword({ userId: user.id, current: PASSWORD, next: "qwerty123", keepSessionId: null }));
    expect(err).toMatchObject({ code: ErrorCodes.WEAK_PASSWORD, field: "newPassword" });
  });

  it("changes the password, ends the other sessions, keeps the given one and notifies by email", async () => {
    const user = await createUser();
    const current = await signedInSession(user.id);
    const laptop = await signedInSession(user.id);
    const phone = await signedInSession(user.id);
    const next = "a brand new passphrase";
    await changePassword({ userId: user.id, current: PASSWORD, next, keepSessionId: sessionIdOf(current) });

    expect(await validateSession(current)).not.toBeNull();
    expect(await validateSession(laptop)).toBeNull();
    expect(await validateSession(phone)).toBeNull();

    const fresh = (await getUser(user.id))!;
    await expect(checkPassword({ user: fresh, identifierKey: `id:${user.id}:new`, password: next })).resolves.toMatchObject({ id: user.id });
    expect((await rejection(checkPassword({ user: fresh, identifierKey: `id:${user.id}:old`, password: PASSWORD }))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    const [entry] = await auditsFor(user.id, "password.changed");
    expect(entry!.detail).toEqual({ endedSessions: 2 });
    expect(JSON.stringify(entry)).not.toContain(next);
    expect((await emailsTo(user.email!)).map((m) => m.subject)).toContain("Your Latchkey password was changed");
  });
});
