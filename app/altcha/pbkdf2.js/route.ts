import { readFile } from "node:fs/promises";
import path from "node:path";

// GET /altcha/pbkdf2.js — the proof-of-work widget's solver, a classic script run as a worker from this
// site (the Content-Security-Policy allows workers from 'self' only, not blob: URLs).
const file = path.join(process.cwd(), "node_modules", "altcha", "dist", "workers", "pbkdf2.js");
let body: Promise<string> | undefined;

export async function GET() {
  body ??= readFile(file, "utf8");
  return new Response(await body, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=86400" },
  });
}
