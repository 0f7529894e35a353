// A11: personal API tokens and GET /api/me.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiTokens } from "@/db/schema";
import { GET } from "@/app/api/me/route";
import { blockAccount, unblockAccount } from "@/lib/accounts/admin";
import { authenticateApiToken, checkApiToken, createApiToken, listApiTokens, revokeApiToken } from "@/lib/api-tokens";
import { setBlockingDate } from "@/lib/blocking";
import { hashSecret } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { createUser } from "../support/fixtures";

const DAY = 86_400_000;

const me = (authorization?: string) => GET(new Request("http://latchkey.test/api/me", { headers: authorization === undefined ? {} : { authorization } }));

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await res.json()) as { error: string };
  expect(body.error).toBeTruthy();
}

describe("creating and listing tokens", () => {
  it("returns a recognisable high-entropy secret once, stores only its HMAC, valid one year", async () => {
    const u = await createUser();
    const now = new Date("2026-03-10T12:00:00Z");
    const { token, row } = await createApiToken(u.id, "  CI server ", now);
    expect(token).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(row.name).toBe("CI server");
    expect(row.expiresAt.toISOString()).toBe("2027-03-10T12:00:00.000Z");
    const [stored] = await db.select().from(apiTokens).where(eq(apiTokens.id, row.id));
    expect(stored!.tokenHash).toBe(hashSecret(`api-token:${token}`));
    expect(JSON.stringify(stored)).not.toContain(token.slice(3));
    expect(stored!.prefix).toBe(token.slice(0, 9));
    const list = await listApiTokens(u.id, now);
    expect(list.map((t) => [t.name, t.status])).toEqual([["CI server", "active"]]);
    expect(list[0]).not.toHaveProperty("tokenHash");
  });

  it("refuses an empty or too long name", async () => {
    const u = await createUser();
    for (const name of ["", "   ", "x".repeat(61)]) {
      const err = await createApiToken(u.id, name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).field).toBe("name");
    }
  });
});

describe("using, checking, expiring and revoking", () => {
  it("authenticates while active and records the last use; expired and revoked tokens fail; Check re-reads the status", async () => {
    const u = await createUser();
    const created = new Date();
    const { token, row } = await createApiToken(u.id, "Script", created);
    expect((await authenticateApiToken(token))?.id).toBe(u.id);
    const [used] = await db.select().from(apiTokens).where(eq(apiTokens.id, row.id));
    expect(used!.lastUsedAt).not.toBeNull();

    // An injected clock past the expiry…
    expect(await authenticateApiToken(token, new Date(created.getTime() + 366 * DAY))).toBeNull();
    expect((await checkApiToken(u.id, row.id, new Date(created.getTime() + 366 * DAY))).status).toBe("expired");
    // …and the stored expiry moved into the past.
    await db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, row.id));
    expect(await authenticateApiToken(token)).toBeNull();
    expect((await checkApiToken(u.id, row.id)).status).toBe("expired");

    const second = await createApiToken(u.id, "Second");
    expect((await checkApiToken(u.id, second.row.id)).status).toBe("active");
    expect(await revokeApiToken(u.id, second.row.id)).toBe(true);
    expect(await revokeApiToken(u.id, second.row.id)).toBe(false);
    expect((await checkApiToken(u.id, second.row.id)).status).toBe("revoked");
    expect(await authenticateApiToken(second.token)).toBeNull();
    expect((await listApiTokens(u.id)).map((t) => t.status).sort()).toEqual(["expired", "revoked"]);
  });

  it("only the owner checks or revokes a token", async () => {
    const owner = await createUser();
    const other = await createUser();
    const { token, row } = await createApiToken(owner.id, "Mine");
    expect(await revokeApiToken(other.id, row.id)).toBe(false);
    expect(((await checkApiToken(other.id, row.id).catch((e: unknown) => e)) as UserError).code).toBe(ErrorCodes.NOT_FOUND);
    expect((await authenticateApiToken(token))?.id).toBe(owner.id);
  });
});

describe("GET /api/me", () => {
  it("answers the token's account as JSON", async () => {
    const u = await createUser();
    const { token } = await createApiToken(u.id, "Me");
    const res = await me(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: u.id, email: u.email, status: "active" });
  });

  it("401 with WWW-Authenticate: Bearer for missing, malformed, unknown, expired and revoked tokens", async () => {
    const u = await createUser();
    const { token, row } = await createApiToken(u.id, "Soon gone");
    await expect401(await me());
    await expect401(await me(""));
    await expect401(await me("Basic dXNlcjpwYXNz"));
    await expect401(await me("Bearer"));
    await expect401(await me(`Bearer ${token} extra`));
    await expect401(await me(`Bearer lk_${"A".repeat(43)}`));
    await expect401(await me(`Bearer not-a-token`));
    await expect401(await me(`Bearer ${"x".repeat(5000)}`));
    await db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, row.id));
    await expect401(await me(`Bearer ${token}`));
    const fresh = await createApiToken(u.id, "Revoked");
    await revokeApiToken(u.id, fresh.row.id);
    await expect401(await me(`Bearer ${fresh.token}`));
  });

  it("refuses tokens of a blocked account, whether blocked now or from a blocking date", async () => {
    const u = await createUser();
    const { token } = await createApiToken(u.id, "Blocked soon");
    await blockAccount(u.id, null);
    await expect401(await me(`Bearer ${token}`));
    await unblockAccount(u.id, null);
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    await setBlockingDate(u.id, new Date().toISOString().slice(0, 10), null);
    await expect401(await me(`Bearer ${token}`));
  });
});
