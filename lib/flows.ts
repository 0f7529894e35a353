import "server-only";
// Short-lived, signed cookies that carry a multi-step flow's non-secret state (e.g. the phone being verified).
import { cookies } from "next/headers";
import { createHmac } from "node:crypto";
import { env } from "@/lib/env";
import { safeEqual } from "@/lib/crypto";

const sign = (data: string) => createHmac("sha256", `${env().secret}:flow`).update(data).digest("base64url");

export async function setFlow(name: string, payload: Record<string, unknown>, maxAgeSeconds: number) {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: Date.now() + maxAgeSeconds * 1000 })).toString("base64url");
  (await cookies()).set(`lk_${name}`, `${body}.${sign(`${name}.${body}`)}`, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().baseUrl.startsWith("https://"),
    path: "/",
    maxAge: maxAgeSeconds,
  });
}

export async function readFlow<T extends Record<string, unknown>>(name: string): Promise<T | null> {
  const raw = (await cookies()).get(`lk_${name}`)?.value;
  if (!raw || raw.length > 4096) return null;
  const [body, mac] = raw.split(".");
  if (!body || !mac || !safeEqual(mac, sign(`${name}.${body}`))) return null;
  try {
    const data = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T & { exp: number };
    return typeof data.exp === "number" && data.exp > Date.now() ? data : null;
  } catch {
    return null;
  }
}

export async function clearFlow(name: string) {
  (await cookies()).delete(`lk_${name}`);
}
