import "server-only";
// Short-lived, signed cookies that carry a multi-step flow's non-secret state (e.g. the phone being verified).
import { cookies } from "next/headers";
import { createHmac } from "node:crypto";
import type { z } from "zod";
import { env } from "@/lib/env";
import { safeEqual } from "@/lib/crypto";

const sign = (data: string) => createHmac("sha256", `${env().secret}:flow`).update(data).digest("base64url");

/** One flow's cookie: what it holds (checked on every read), and for how long. */
export type Flow<T> = {
  name: string;
  ttlSeconds: number;
  set(value: T): Promise<void>;
  /** The value, or null when absent, tampered with, expired or of another shape. */
  read(): Promise<T | null>;
  clear(): Promise<void>;
};

/**
 * Declares a flow cookie (`lk_<name>`). Its content is signed, so a visitor cannot forge it, and
 * parsed with `schema` on each read, so the code never trusts an unchecked cast.
 */
export function defineFlow<S extends z.ZodType<Record<string, unknown>>>(def: { name: string; ttlSeconds: number; schema: S }): Flow<z.infer<S>> {
  const cookie = `lk_${def.name}`;
  return {
    name: def.name,
    ttlSeconds: def.ttlSeconds,
    async set(value) {
      const body = Buffer.from(JSON.stringify({ ...value, exp: Date.now() + def.ttlSeconds * 1000 })).toString("base64url");
      (await cookies()).set(cookie, `${body}.${sign(`${def.name}.${body}`)}`, {
        httpOnly: true,
        sameSite: "lax",
        secure: env().baseUrl.startsWith("https://"),
        path: "/",
        maxAge: def.ttlSeconds,
      });
    },
    async read() {
      const raw = (await cookies()).get(cookie)?.value;
      if (!raw || raw.length > 4096) return null;
      const [body, mac] = raw.split(".");
      if (!body || !mac || !safeEqual(mac, sign(`${def.name}.${body}`))) return null;
      try {
        const { exp, ...data } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { exp?: unknown };
        if (typeof exp !== "number" || exp <= Date.now()) return null;
        const parsed = def.schema.safeParse(data);
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async clear() {
      (await cookies()).delete(cookie);
    },
  };
}
