// The Manager's overview: the SMS day counter and the per-day sign-in counts it draws.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { auditLog, smsDaily } from "@/db/schema";
import { countSmsSent } from "@/lib/delivery/sms/daily";
import { lastDays, signInsPerDay, smsPerDay } from "@/lib/accounts/overview";

describe("overview counts", () => {
  it("lastDays ends today (UTC) and is oldest first", () => {
    expect(lastDays(3, new Date("2026-03-01T05:00:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("counts SMS per UTC day, a day without any as 0", async () => {
    const day1 = new Date("2026-01-10T23:59:00Z");
    const day2 = new Date("2026-01-11T00:01:00Z");
    await countSmsSent(day1);
    await countSmsSent(day1);
    await countSmsSent(day2);
    expect(await smsPerDay(["2026-01-09", "2026-01-10", "2026-01-11"])).toEqual([0, 2, 1]);
    expect(await db.select().from(smsDaily)).toHaveLength(2);
  });

  it("counts sign-ins and failed sign-ins per UTC day from the audit log", async () => {
    const at = (iso: string) => new Date(iso);
    await db.insert(auditLog).values([
      { action: "signin.succeeded", createdAt: at("2026-02-01T10:00:00Z") },
      { action: "signin.succeeded", createdAt: at("2026-02-02T10:00:00Z") },
      { action: "signin.failed", createdAt: at("2026-02-02T23:30:00Z") },
      { action: "signin.failed", createdAt: at("2026-02-02T00:10:00Z") },
      { action: "signin.first_factor", createdAt: at("2026-02-02T11:00:00Z") },
    ]);
    const counts = await signInsPerDay(["2026-02-01", "2026-02-02", "2026-02-03"]);
    expect(counts).toEqual({ succeeded: [1, 1, 0], failed: [0, 2, 0] });
  });
});
