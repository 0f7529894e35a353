"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/action";
import { audit } from "@/lib/audit";
import { encryptSecret } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/errors";
import { isCountryCode, parsePhone } from "@/lib/phone";
import { phoneInput } from "@/lib/phone-input";
import { getSettings, SECRET_SETTING_KEYS, SMS_PROVIDERS, updateSettings } from "@/lib/settings";
import { resolveSmsConfig, sendTestSms } from "@/lib/sms";

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).default("");
const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

const schema = z.object({
  provider: z.enum(SMS_PROVIDERS, { error: "Choose a provider." }).optional(),
  fallbackProvider: z.enum(["none", ...SMS_PROVIDERS], { error: "Choose a fallback provider." }),
  twilioAccountSid: text(64).refine((v) => v === "" || /^AC[0-9a-fA-F]{32}$/.test(v), "An Account SID is AC followed by 32 hexadecimal characters."),
  twilioAuthToken: text(200),
  twilioFrom: text(32),
  clickatellApiKey: text(200),
  clickatellFrom: text(32),
  twofactorApiKey: text(200),
  twofactorSenderId: text(16),
  twofactorTemplate: text(64),
  clearTwilioAuthToken: checkbox,
  clearClickatellApiKey: checkbox,
  clearTwofactorApiKey: checkbox,
  allowedCountries: z
    .string()
    .max(1000, "Too many countries.")
    .default("")
    .transform((s) => [...new Set(s.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))])
    .refine((list) => list.every(isCountryCode), { message: "Use two-letter country codes separated by commas, like US, GB, IN." }),
  perNumberDaily: z.coerce.number({ error: "Enter a number." }).int("Enter a whole number.").min(1, "Use at least 1.").max(1000, "Use at most 1,000."),
  globalDaily: z.coerce.number({ error: "Enter a number." }).int("Enter a whole number.").min(1, "Use at least 1.").max(1_000_000, "Use at most 1,000,000."),
});

const clearKey = { twilioAuthToken: "clearTwilioAuthToken", clickatellApiKey: "clearClickatellApiKey", twofactorApiKey: "clearTwofactorApiKey" } as const;

export const saveSmsSettings = adminAction(schema, async (data, { user }) => {
  const current = await getSettings("sms");
  const view = await resolveSmsConfig();
  const pinned = new Set(view.setByEnvironment);
  const next = { ...current, allowedCountries: data.allowedCountries, perNumberDaily: data.perNumberDaily, globalDaily: data.globalDaily, fallbackProvider: data.fallbackProvider };
  if (!pinned.has("provider") && data.provider) next.provider = data.provider;
  for (const key of ["twilioAccountSid", "twilioFrom", "clickatellFrom", "twofactorSenderId", "twofactorTemplate"] as const) {
    if (!pinned.has(key)) next[key] = data[key];
  }
  // Secrets: an empty field keeps the stored value; a new one is sealed; "Remove" clears it.
  for (const key of ["twilioAuthToken", "clickatellApiKey", "twofactorApiKey"] as const) {
    if (pinned.has(key) || !SECRET_SETTING_KEYS.has(key)) continue;
    if (data[clearKey[key]]) next[key] = "";
    else if (data[key]) next[key] = encryptSecret(data[key]);
  }
  if (next.fallbackProvider !== "none" && next.fallbackProvider === next.provider) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "The fallback must differ from the active provider.", "fallbackProvider");
  }
  await updateSettings("sms", next, user.id);
  revalidatePath("/admin/settings/sms");
  return { ok: true, message: "SMS settings saved." };
});

export const sendTestSmsAction = adminAction(z.object(phoneInput), async (data, { user }) => {
  const { e164 } = parsePhone(data.phone, data.phoneCountry);
  const result = await sendTestSms(e164);
  await audit({ action: "sms.test_sent", actorId: user.id, detail: { provider: result.provider, ok: result.ok } });
  if (!result.ok) return { ok: false, message: `The test SMS was not sent: ${result.message}` };
  return { ok: true, message: `Test SMS sent through ${result.provider}.` };
});
