// Before `npm run dev`: make sure .env.local has an AUTH_SECRET, so a fresh clone runs with no setup.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

const file = ".env.local";
const current = existsSync(file) ? readFileSync(file, "utf8") : "";
if (!/^AUTH_SECRET=/m.test(current) && !process.env.AUTH_SECRET) {
  const line = `AUTH_SECRET=${randomBytes(33).toString("base64url")}\n`;
  writeFileSync(file, current + (current && !current.endsWith("\n") ? "\n" : "") + line);
  console.log("latchkey: wrote a new AUTH_SECRET to .env.local");
}
