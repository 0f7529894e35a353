import "server-only";
// The one road every one-time code takes to a person (S8): reserve (allowlist, cooldown, sends per
// target — before any account lookup), then deliver (SMS budgets, issue, send), undone on failure.
import { discardCode, issueCode, type CodePurpose } from "@/lib/codes";
import type { Channel } from "@/lib/delivery/deferred";
import { sendEmail } from "@/lib/delivery/email";
import { sendSms, smsAllowedFor } from "@/lib/delivery/sms";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { LIMITS, type KeyedLimit } from "@/lib/limits/catalogue";
import { clear, hit, peek, retryAfterText } from "@/lib/limits/store";
import { getSettings } from "@/lib/settings";
import { countSmsSent } from "@/lib/delivery/sms/daily";

export { smsAllowedFor } from "@/lib/delivery/sms";

type EmailTemplate = (code: string, linkToken?: string) => Promise<{ subject: string; text: string; html: string }>;

/**
 * What a code goes to: the field of the form that named the target carries any refusal. `counter`
 * gives a request its own cooldown and budget on the target (the signed-out "Send a new code" of
 * sign-up: a code sent by someone's sign-up a moment ago must not show in a stranger's answer).
 */
export type CodeTarget = { purpose: CodePurpose; channel: Channel; target: string; field?: string; counter?: string };

/** A claimed right to send one code: the cooldown and the per-target budget are already counted. */
export type Reservation = CodeTarget & { readonly reserved: true };

export type Delivery = {
  userId?: string | null;
  ip?: string | null;
  /** For email: the message, given the code (and the link's token with `withLink`). */
  template?: EmailTemplate;
  withLink?: boolean;
};

const SMS_TEXT: Record<CodePurpose, string> = {
  phone_confirm: "Your Latchkey confirmation code is",
  phone_login: "Your Latchkey sign-in code is",
  phone_register: "Your Latchkey registration code is",
  recovery: "Your Latchkey password reset code is",
  two_factor: "Your Latchkey security code is",
  email_confirm: "Your Latchkey confirmation code is",
  method_confirm: "Your Latchkey confirmation code is",
  email_change: "Your Latchkey confirmation code is",
};

async function enforce(limit: KeyedLimit, message: (wait: string) => string, field?: string) {
  const r = await hit(limit);
  if (!r.success) throw new UserError(ErrorCodes.RATE_LIMITED, message(retryAfterText(r.resetAt)), field);
}

/** The name a target's cooldown and budget are counted under. */
const countedAs = (t: Pick<CodeTarget, "purpose" | "counter">) => (t.counter ? `${t.purpose}:${t.counter}` : t.purpose);

const tooMany = (w: string) => `Too many codes were requested. Try again in ${w}.`;

/**
 * Claims the right to send a code to a target. Every check here looks only at the target, so it
 * runs before any account lookup and answers alike whether or not an account exists: the SMS
 * allowlist, one code per 30 seconds, and 5 codes per 10 minutes.
 */
export async function reserveCode(t: CodeTarget): Promise<Reservation> {
  const field = t.field ?? (t.channel === "sms" ? "phone" : undefined);
  if (t.channel === "sms" && !(await smsAllowedFor(t.target))) {
    throw new UserError(ErrorCodes.NOT_ALLOWED, "We can't send text messages to this country.", field);
  }
  const counted = countedAs(t);
  const cool = await hit(LIMITS.codeCooldown(counted, t.target));
  if (!cool.success) {
    throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(cool.resetAt)} before asking for a new code.`, field, cool.resetAt);
  }
  await enforce(LIMITS.codeSendsPerTarget(counted, t.target), tooMany, field);
  return { ...t, field, reserved: true };
}

/**
 * When a new code for this purpose and target may be asked for, or null when it may be now: the
 * resend button counts down to it, also after a reload. It looks only at the target, like
 * `reserveCode`, so it says nothing about an account.
 */
export async function cooldownEnd(purpose: CodePurpose, target: string, counter?: string): Promise<number | null> {
  const r = await peek(LIMITS.codeCooldown(countedAs({ purpose, counter }), target));
  return !r.success && r.resetAt.getTime() > Date.now() ? r.resetAt.getTime() : null;
}

/** Gives a reservation's cooldown back: a failed delivery can be retried at once (O5). */
export async function releaseCode(r: Reservation) {
  await clear(LIMITS.codeCooldown(countedAs(r), r.target));
}

/** The SMS budgets (S8), all checked before the provider is called, so a refused request costs nothing. */
async function chargeSms(r: Reservation, d: Delivery) {
  const field = r.field;
  const sms = await getSettings("sms");
  if (d.ip) await enforce(LIMITS.smsPerIp(d.ip), tooMany, field);
  if (d.userId) await enforce(LIMITS.smsPerAccount(d.userId), tooMany, field);
  await enforce(LIMITS.smsPerPrefix(r.target), tooMany, field);
  await enforce(LIMITS.smsPerNumberDay(sms.perNumberDaily, r.target), () => "This number has received too many codes today. Try again tomorrow.", field);
  await enforce(LIMITS.smsPerDay(sms.globalDaily), () => "Text messages are unavailable right now. Try again later or use email.", field);
}

/**
 * Issues the reserved code and sends it. A failure leaves nothing behind: the new code is removed
 * (the previous one stays usable) and the cooldown is given back.
 */
export async function deliverCode(r: Reservation, d: Delivery = {}) {
  try {
    if (r.channel === "sms") await chargeSms(r, d);
    const issued = await issueCode({ purpose: r.purpose, target: r.target, userId: d.userId, withLink: d.withLink });
    try {
      if (r.channel === "sms") {
        await sendSms({ to: r.target, body: `${SMS_TEXT[r.purpose]} ${issued.code}. It expires in 10 minutes.`, code: issued.code });
        await countSmsSent();
      } else {
        if (!d.template) throw new Error(`no email template for ${r.purpose}`);
        await sendEmail({ to: r.target, ...(await d.template(issued.code, issued.linkToken)) });
      }
    } catch (err) {
      await discardCode(issued.id);
      throw err;
    }
  } catch (err) {
    if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) {
      await releaseCode(r);
      throw new UserError(err.code, err.message, r.field);
    }
    throw err;
  }
}

/** Reserve and deliver at once: for targets that belong to the signed-in account, where nothing is to hide. */
export async function sendCode(t: CodeTarget, d: Delivery = {}) {
  await deliverCode(await reserveCode(t), d);
}
