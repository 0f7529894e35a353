import "server-only";
// Trusted devices (T4): "Remember this device" skips the second factor on this browser for the configured time.
import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { cookies } from "next/headers";
import { db, type Db as Tx } from "@/lib/db";
import { trustedDevices } from "@/db/schema";
import { audit } from "@/lib/audit";
import { hashSecret, newId, randomToken } from "@/lib/crypto";
import { env } from "@/lib/env";
import { deviceLabel } from "@/lib/request";
import { getSettings, type TrustedDeviceDuration } from "@/lib/settings";

const DURATION_SECONDS = { session: 12 * 3600, "1d": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;

export const trustedCookieName = () => (env().baseUrl.startsWith("https://") ? "__Host-latchkey.device" : "latchkey.device");
const tokenHash = (token: string) => hashSecret(`device:${token}`);

export type RememberedDevice = { token: string; seconds: number; session: boolean };

/**
 * Remembers this browser for the user: the row (with `q` inside a transaction), then `setDeviceCookie`
 * once it is committed. A "session" duration ends with the browser session.
 */
export async function rememberDeviceRow(userId: string, userAgent: string | null, duration: TrustedDeviceDuration, q: Tx = db): Promise<RememberedDevice> {
  const seconds = DURATION_SECONDS[duration];
  const token = randomToken(32);
  await q.insert(trustedDevices).values({
    id: newId(),
    userId,
    tokenHash: tokenHash(token),
    label: deviceLabel(userAgent),
    expiresAt: new Date(Date.now() + seconds * 1000),
  });
  await audit({ action: "device.trusted", userId, actorId: userId, detail: { label: deviceLabel(userAgent), duration } }, q);
  return { token, seconds, session: duration === "session" };
}

export async function setDeviceCookie(d: RememberedDevice) {
  (await cookies()).set(trustedCookieName(), d.token, {
    httpOnly: true,
    secure: env().baseUrl.startsWith("https://"),
    sameSite: "lax",
    path: "/",
    ...(d.session ? {} : { maxAge: d.seconds }),
  });
}

/** Remembers this browser for the user, row and cookie. */
export async function rememberDevice(userId: string, userAgent: string | null) {
  const { trustedDeviceDuration } = await getSettings("twoFactor");
  await setDeviceCookie(await rememberDeviceRow(userId, userAgent, trustedDeviceDuration));
}

/** Whether this browser's device cookie is a live trusted device of this user (and marks its use). */
export async function isTrustedDevice(userId: string): Promise<boolean> {
  const token = (await cookies()).get(trustedCookieName())?.value;
  if (!token || token.length > 100) return false;
  const rows = await db
    .update(trustedDevices)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(trustedDevices.tokenHash, tokenHash(token)),
        eq(trustedDevices.userId, userId),
        isNull(trustedDevices.revokedAt),
        or(isNull(trustedDevices.expiresAt), gt(trustedDevices.expiresAt, new Date())),
      ),
    )
    .returning({ id: trustedDevices.id });
  return rows.length > 0;
}

export async function listTrustedDevices(userId: string) {
  return db
    .select({
      id: trustedDevices.id,
      label: trustedDevices.label,
      createdAt: trustedDevices.createdAt,
      lastUsedAt: trustedDevices.lastUsedAt,
      expiresAt: trustedDevices.expiresAt,
    })
    .from(trustedDevices)
    .where(
      and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt), or(isNull(trustedDevices.expiresAt), gt(trustedDevices.expiresAt, new Date()))),
    )
    .orderBy(desc(trustedDevices.lastUsedAt));
}

export async function revokeTrustedDevice(userId: string, id: string) {
  const rows = await db
    .update(trustedDevices)
    .set({ revokedAt: new Date() })
    .where(and(eq(trustedDevices.id, id), eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt)))
    .returning({ id: trustedDevices.id });
  if (rows.length) await audit({ action: "device.forgotten", userId, actorId: userId });
  return rows.length > 0;
}

/** Forgets every trusted device (password change or recovery). */
export async function forgetAllTrustedDevices(userId: string, q: Tx = db) {
  await q
    .update(trustedDevices)
    .set({ revokedAt: new Date() })
    .where(and(eq(trustedDevices.userId, userId), sql`${trustedDevices.revokedAt} is null`));
}
