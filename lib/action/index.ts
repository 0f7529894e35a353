import "server-only";
// The action builder every server action is made with: guard, zod schema, handler, one result shape.
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { ErrorCodes, fieldsNeedAttention, UserError } from "@/lib/shared/errors";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "@/lib/shared/text-input";
import { anyone, type Guard } from "@/lib/action/guards";

export { admin, anyone, pendingSignIn, signedIn, type Guard } from "@/lib/action/guards";

/**
 * What every action answers. `values` echoes the non-secret fields of a refused form so it can be
 * shown again as typed; `data` carries what the handler returns to its own page (a TOTP key, recovery
 * codes, a new API token) and is never built from the request. `retryAt` (milliseconds since 1970)
 * says when a new code may be asked for: the resend button counts down to it.
 */
export type ActionResult<D = unknown> =
  | { ok: true; message?: string; data?: D; values?: Record<string, string>; retryAt?: number }
  | { ok: false; code?: string; message?: string; fieldErrors?: Record<string, string>; values?: Record<string, string>; retryAt?: number };

/** The state of a form bound to an action with `useActionState` (null before the first submission). */
export type FormState<D = unknown> = ActionResult<D> | null;

/** What a handler may return: a result, or nothing for `{ ok: true }`. */
type Returned<D> = ActionResult<D> | void;

// Anything secret is never echoed back into the form, nor the proof of work's payload.
const SECRET_FIELD = /password|code|token|secret|^altcha$/i;
const MAX_ECHO = 500;
const ON_OUR_SIDE = "Something went wrong on our side. Please try again.";

/** The non-secret string fields of a submission, shortened: what a refused form shows again. */
export function echo(formData: FormData): Record<string, string> {
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

/** Every field's first message at once (a form shows all its problems together), keyed by field name. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

/** A NUL byte (Postgres text cannot hold one) or another control character, in any string field. */
function fieldWithControlCharacters(input: unknown): string | null {
  if (!input || typeof input !== "object") return null;
  for (const [k, v] of Object.entries(input)) {
    if ((Array.isArray(v) ? v : [v]).some((x) => typeof x === "string" && hasControlCharacters(x))) return k;
  }
  return null;
}

/** Parses the input and runs the handler, mapping every failure to a result; never throws but for Next's redirects. */
async function settle<S extends z.ZodType, C, D>(
  guard: Guard<C>,
  schema: S,
  input: unknown,
  handler: (data: z.infer<S>, ctx: C) => Promise<Returned<D>>,
  values?: Record<string, string>,
): Promise<ActionResult<D>> {
  try {
    const ctx = await guard.resolve();
    const bad = fieldWithControlCharacters(input);
    if (bad) return { ok: false, code: ErrorCodes.INVALID_INPUT, message: fieldsNeedAttention(1), fieldErrors: { [bad]: CONTROL_CHARACTERS_MESSAGE }, values };
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      return { ok: false, code: ErrorCodes.INVALID_INPUT, message: fieldsNeedAttention(Object.keys(fieldErrors).length), fieldErrors, values };
    }
    return (await handler(parsed.data, ctx)) ?? { ok: true };
  } catch (err) {
    unstable_rethrow(err);
    if (err instanceof UserError) {
      const retryAt = err.retryAt ? { retryAt: err.retryAt.getTime() } : {};
      return { ok: false, code: err.code, message: err.message, fieldErrors: err.field ? { [err.field]: err.message } : undefined, values, ...retryAt };
    }
    console.error("action failed:", err);
    return { ok: false, code: ErrorCodes.UNAVAILABLE, message: ON_OUR_SIDE, values };
  }
}

class ActionBuilder<C, S extends z.ZodType> {
  constructor(
    private readonly guard: Guard<C>,
    private readonly input: S,
  ) {}

  /** Who may call it: `signedIn`, `admin` (the same rule as the Manager pages), `pendingSignIn`. */
  use<C2>(guard: Guard<C2>): ActionBuilder<C2, S> {
    return new ActionBuilder(guard, this.input);
  }

  /** The input's shape; every field is checked and all problems come back together. */
  schema<S2 extends z.ZodType>(schema: S2): ActionBuilder<C, S2> {
    return new ActionBuilder(this.guard, schema);
  }

  /** A form action for `useActionState` and plain HTML forms: FormData in, `ActionResult` out. */
  run<D = never>(handler: (data: z.infer<S>, ctx: C, formData: FormData) => Promise<Returned<D>>) {
    const { guard, input } = this;
    // The previous state is not read: each submission stands on its own.
    return async (_prev: unknown, formData: FormData): Promise<FormState<D>> => {
      return settle(guard, input, formObject(formData), (data, ctx) => handler(data, ctx, formData), echo(formData));
    };
  }

  /** A plain form's action (`<form action={…}>`, no state shown): a failure is logged, and the page stays. */
  form(handler: (data: z.infer<S>, ctx: C, formData: FormData) => Promise<void>) {
    const { guard, input } = this;
    return async (formData: FormData): Promise<void> => {
      const result = await settle(guard, input, formObject(formData), (data, ctx) => handler(data, ctx, formData));
      if (!result.ok) console.warn("form action refused:", result.code, result.message);
    };
  }

  /** An action called from client code with a JSON-shaped argument (the WebAuthn ceremonies). */
  json<D = never>(handler: (data: z.infer<S>, ctx: C) => Promise<Returned<D>>) {
    const { guard, input } = this;
    return async (arg?: unknown): Promise<ActionResult<D>> => settle(guard, input, arg ?? {}, handler);
  }
}

/** Starts an action: anyone may call it, with no input, until `.use()` and `.schema()` say otherwise. */
export function createAction(): ActionBuilder<null, z.ZodObject<Record<string, never>>> {
  return new ActionBuilder(anyone, z.object({}));
}

export { safeNext } from "@/lib/shared/safe-next";
