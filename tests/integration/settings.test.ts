import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db";
import { auditLog, settings } from "@/db/schema";
import { defaultSettings, getSettings, updateSettings } from "@/lib/settings";

const settingsAudits = () => db.select().from(auditLog).where(eq(auditLog.action, "settings.changed")).orderBy(desc(auditLog.id));

describe("settings (O3, T9)", () => {
  it("reads the schema defaults while nothing is stored", async () => {
    expect(await db.select().from(settings)).toEqual([]);
    expect(await getSettings("account")).toEqual(defaultSettings("account"));
    expect((await getSettings("account")).onlineTimeframeMinutes).toBe(30);
  });

  it("stores a change, applies it at once, and audits each changed field old → new", async () => {
    const before = await getSettings("account");
    const actor = "admin-1";
    const saved = await updateSettings("account", { ...before, onlineTimeframeMinutes: "45", automaticActivation: false }, actor);
    expect(saved.onlineTimeframeMinutes).toBe(45);
    expect(await getSettings("account")).toMatchObject({ onlineTimeframeMinutes: 45, automaticActivation: false });

    const [entry] = await settingsAudits();
    expect(entry).toMatchObject({ action: "settings.changed", actorId: actor });
    expect(entry!.detail).toEqual({
      section: "account",
      changes: {
        onlineTimeframeMinutes: { from: 30, to: 45 },
        automaticActivation: { from: true, to: false },
      },
    });
    const [row] = await db.select().from(settings).where(eq(settings.key, "account"));
    expect(row!.updatedBy).toBe(actor);
  });

  it("writes no audit entry when nothing changed", async () => {
    const count = (await settingsAudits()).length;
    await updateSettings("account", await getSettings("account"), "admin-1");
    expect((await settingsAudits()).length).toBe(count);
  });

  it("rejects invalid values and keeps the stored ones", async () => {
    const current = await getSettings("account");
    const count = (await settingsAudits()).length;
    await expect(updateSettings("account", { ...current, onlineTimeframeMinutes: 0 }, "admin-1")).rejects.toThrow(z.ZodError);
    await expect(updateSettings("account", { ...current, confirmationMode: "sometimes" }, "admin-1")).rejects.toThrow(/Choose how an account is confirmed/);
    expect(await getSettings("account")).toEqual(current);
    expect((await settingsAudits()).length).toBe(count);
  });
});
