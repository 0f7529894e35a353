import "server-only";
// The one wrapper for server actions: parse FormData with zod, resolve the session, map errors to a result.
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { currentSession, type Current } from "@/lib/auth/current";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "@/lib/shared/text-input";
import { loadPolicy, managerStepUpNeeded } from "@/lib/factors/policy";

export type FormState =
  | { ok: true; message?: string; values?: Record<string, string> }
  | { ok: false; code?: string; message?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> }
  | null;

// Anything secret is never echoed back into the form, nor the proof of work's payload.
const SECRET_FIELD = /password|code|token|secret|^altcha$/i;
const MAX_ECHO = 500;

function echo(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) {
    if (k.startsWith("$ACTION") || SECRET_FIELD.test(k) || typeof v !== "string") continue;
    out[k] = v.slice(0, MAX_ECHO);
  }
  return out;
}

function formObject(formData: FormData): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of formData.entries()) {
    if (k.startsWith("$ACTION")) continue;
    if (k in obj) obj[k] = ([] as unknown[]).concat(obj[k], v);
    else obj[k] = v;
  }
  return obj;
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}

type Handler<S extends z.ZodType, Ctx> = (data: z.infer<S>, ctx: Ctx, formData: FormData) => Promise<FormState | void>;

function wrap<S extends z.ZodType, Ctx>(schema: S, resolve: () => Promise<Ctx | FormState>, fn: Handler<S, Ctx>) {
  return async (_prev: FormState, formData: FormData): Promise<FormState> => {
    const values = echo(formData);
    try {
      const ctx = await resolve();
      if (ctx && typeof ctx === "object" && "ok" in ctx && ctx.ok === false) return { ...ctx, values };
      const input = formObject(formData);
      // A NUL byte (Postgres text cannot hold one) or another control character, in any field.
      const bad = Object.entries(input).find(([, v]) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === "string" && hasControlCharacters(x)));
      if (bad) {
        return { ok: false, code: ErrorCodes.INVALID_INPUT, message: "Please correct the fields marked below.", fieldErrors: { [bad[0]]: CONTROL_CHARACTERS_MESSAGE }, values };
      }
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        return { ok: false, code: ErrorCodes.INVALID_INPUT, message: "Please correct the fields marked below.", fieldErrors: fieldErrorsOf(parsed.error), values };
      }
      const result = await fn(parsed.data, ctx as Ctx, formData);
      return result ?? { ok: true };
    } catch (err) {
      unstable_rethrow(err);
      if (err instanceof UserError) {
        return { ok: false, code: err.code, message: err.message, fieldErrors: err.field ? { [err.field]: err.message } : undefined, values };
      }
      console.error("action failed:", err);
      return { ok: false, code: ErrorCodes.UNAVAILABLE, message: "Something went wrong on our side. Please try again.", values };
    }
  };
}

/** An action anyone may call (sign-up, sign-in). */
export const action = <S extends z.ZodType>(schema: S, fn: Handler<S, null>) => wrap(schema, async () => null, fn);

const signedOut: FormState = { ok: false, code: ErrorCodes.NOT_ALLOWED, message: "Your session has ended. Please sign in again." };

/** An action for a signed-in account. */
export const userAction = <S extends z.ZodType>(schema: S, fn: Handler<S, Current>) =>
  wrap(schema, async () => (await currentSession()) ?? signedOut, fn);

/** An action for an admin. */
export const adminAction = <S extends z.ZodType>(schema: S, fn: Handler<S, Current>) =>
  wrap(
    schema,
    async () => {
      const c = await currentSession();
      if (!c) return signedOut;
      if (!c.user.isAdmin) return { ok: false, code: ErrorCodes.NOT_ALLOWED, message: "Not found." } as FormState;
      if (managerStepUpNeeded(c.user, await loadPolicy(), c.session.managerVerifiedAt)) {
        return { ok: false, code: ErrorCodes.NOT_ALLOWED, message: "The Manager app asks for a second factor. Reload the page to verify." } as FormState;
      }
      return c;
    },
    fn,
  );

export { safeNext } from "@/lib/shared/safe-next";
