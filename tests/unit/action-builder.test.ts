// The action builder (lib/action): what a refused form gets back, what it never gets back, and its three shapes.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createAction, echo } from "@/lib/action";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

describe("echo: the fields a refused form shows again", () => {
  it("keeps plain fields and drops every secret, the proof of work and Next's own fields", () => {
    const out = echo(
      form({
        name: "Ada",
        email: "ada@example.com",
        password: "hunter2hunter2",
        currentPassword: "x",
        newPassword: "y",
        code: "123456",
        tokenId: "t1",
        totpSecret: "JBSW",
        altcha: "payload",
        $ACTION_ID_abc: "",
      }),
    );
    expect(out).toEqual({ name: "Ada", email: "ada@example.com" });
  });

  it("shortens what it echoes to 500 characters", () => {
    expect(echo(form({ name: "a".repeat(2000) })).name).toHaveLength(500);
  });
});

describe("createAction().schema().run(): a form action", () => {
  const signUp = createAction()
    .schema(z.object({ name: z.string().min(1, "Enter your name."), email: z.email("Enter a valid email."), password: z.string().min(8, "Too short.") }))
    .run(async (d) => ({ ok: true, message: `Hello ${d.name}`, data: { id: 7 } }));

  it("answers every field's problem at once, and echoes the non-secret fields only", async () => {
    const r = await signUp(null, form({ name: "", email: "nope", password: "short" }));
    expect(r).toMatchObject({ ok: false, code: ErrorCodes.INVALID_INPUT });
    expect(r && !r.ok && r.fieldErrors).toEqual({ name: "Enter your name.", email: "Enter a valid email.", password: "Too short." });
    expect(r?.values).toEqual({ name: "", email: "nope" });
  });

  it("passes the handler's data through on success", async () => {
    const r = await signUp(null, form({ name: "Ada", email: "ada@example.com", password: "long enough" }));
    expect(r).toEqual({ ok: true, message: "Hello Ada", data: { id: 7 } });
  });

  it("refuses a control character in any field, naming the field", async () => {
    const r = await signUp(null, form({ name: "A\u0000da", email: "ada@example.com", password: "long enough" }));
    expect(r && !r.ok && r.fieldErrors?.name).toMatch(/character/i);
  });

  it("shows a UserError next to its field, with its code", async () => {
    const taken = createAction()
      .schema(z.object({ email: z.string() }))
      .run(async () => {
        throw new UserError(ErrorCodes.EMAIL_IN_USE, "This address is taken.", "email");
      });
    const r = await taken(null, form({ email: "a@b.c", password: "secret-value" }));
    expect(r).toMatchObject({ ok: false, code: ErrorCodes.EMAIL_IN_USE, message: "This address is taken.", fieldErrors: { email: "This address is taken." } });
    expect(JSON.stringify(r)).not.toContain("secret-value");
  });

  it("passes a UserError's retry time on as milliseconds (the resend button counts down to it)", async () => {
    const at = new Date(Date.now() + 25_000);
    const early = createAction().run(async () => {
      throw new UserError(ErrorCodes.RESEND_COOLDOWN, "Please wait 25 seconds before asking for a new code.", "phone", at);
    });
    const r = await early(null, form({}));
    expect(r).toMatchObject({
      ok: false,
      code: ErrorCodes.RESEND_COOLDOWN,
      retryAt: at.getTime(),
      fieldErrors: { phone: "Please wait 25 seconds before asking for a new code." },
    });
  });

  it("turns an unexpected error into a generic message, without its text or stack", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = createAction().run(async () => {
      throw new Error("connection refused at 10.0.0.3:5432");
    });
    const r = await broken(null, form({}));
    log.mockRestore();
    expect(r).toMatchObject({ ok: false, code: ErrorCodes.UNAVAILABLE, message: "Something went wrong on our side. Please try again." });
    expect(JSON.stringify(r)).not.toMatch(/10\.0\.0\.3|at /);
  });

  it("a handler that returns nothing answers ok", async () => {
    expect(await createAction().run(async () => {})(null, form({}))).toEqual({ ok: true });
  });
});

describe("the JSON and plain-form variants", () => {
  it(".json() parses its argument with the schema and returns the typed data", async () => {
    const rename = createAction()
      .schema(z.object({ name: z.string().trim().min(1, "Name the key.") }))
      .json(async (d) => ({ ok: true, data: { renamed: d.name } }));
    expect(await rename({ name: "  Blue key " })).toEqual({ ok: true, data: { renamed: "Blue key" } });
    expect(await rename({ name: "" })).toMatchObject({ ok: false, fieldErrors: { name: "Name the key." } });
    expect(await rename("not an object")).toMatchObject({ ok: false, code: ErrorCodes.INVALID_INPUT });
  });

  it(".form() runs for a plain <form action> and never throws at the browser", async () => {
    const seen: string[] = [];
    const plain = createAction()
      .schema(z.object({ q: z.string() }))
      .form(async (d) => {
        seen.push(d.q);
      });
    await expect(plain(form({ q: "hello" }))).resolves.toBeUndefined();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(plain(form({}))).resolves.toBeUndefined();
    warn.mockRestore();
    expect(seen).toEqual(["hello"]);
  });
});
