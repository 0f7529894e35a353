"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, admin } from "@/lib/action";
import { audit } from "@/lib/audit";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { isCountryCode, parsePhone } from "@/lib/phone/parse";
import { phoneInput, checkbox } from "@/lib/shared/form-schemas";
import { blankAsMissing, getSettings, SMS_PROVIDERS, updateSettings } from "@/lib/settings";
import { resolveSmsConfig, sendTestSms, updateSmsSettings } from "@/lib/delivery/sms";

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).default("");

const schema = z.object({
  defaultCountry: z.string().trim().toUpperCase().refine(isCountryCode, "Choose a country from the list.").optional(),
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
    .transform((s) => [
      ...new Set(
        s
          .split(/[\s,;]+/)
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
      ),
    ])
    .refine((list) => list.every(isCountryCode), { message: "Use two-letter country codes separated by commas, like US, GB, IN." }),
  perNumberDaily: blankAsMissing(
    z.coerce.number({ error: "Enter a number." }).int("Enter a whole number.").min(1, "Use at least 1.").max(1000, "Use at most 1,000."),
  ),
  globalDaily: blankAsMissing(
    z.coerce.number({ error: "Enter a number." }).int("Enter a whole number.").min(1, "Use at least 1.").max(1_000_000, "Use at most 1,000,000."),
  ),
  newNumbersHourly: blankAsMissing(
    z.coerce.number({ error: "Enter a number." }).int("Enter a whole number.").min(2, "Use at least 2.").max(100_000, "Use at most 100,000."),
  ),
});

const clearKey = { twilioAuthToken: "clearTwilioAuthToken", clickatellApiKey: "clearClickatellApiKey", twofactorApiKey: "clearTwofactorApiKey" } as const;

export const saveSmsSettings = createAction()
  .use(admin)
  .schema(schema)
  .run(async (data, { user }) => {
    const view = await resolveSmsConfig();
    const provider = view.providerSetByEnvironment ? view.provider : (data.provider ?? view.provider);
    if (data.fallbackProvider !== "none" && data.fallbackProvider === provider) {
      throw new UserError(ErrorCodes.INVALID_INPUT, "The fallback must differ from the active provider.", "fallbackProvider");
    }
    // Secrets: an empty field keeps the stored value; "Remove" clears it (null); pinned fields are left alone.
    const secret = (key: keyof typeof clearKey) => (data[clearKey[key]] ? null : data[key] || undefined);
    await updateSmsSettings(
      {
        provider: view.providerSetByEnvironment ? undefined : data.provider,
        fallbackProvider: data.fallbackProvider,
        twilioAccountSid: data.twilioAccountSid,
        twilioFrom: data.twilioFrom,
        clickatellFrom: data.clickatellFrom,
        twofactorSenderId: data.twofactorSenderId,
        twofactorTemplate: data.twofactorTemplate,
        twilioAuthToken: secret("twilioAuthToken"),
        clickatellApiKey: secret("clickatellApiKey"),
        twofactorApiKey: secret("twofactorApiKey"),
        allowedCountries: data.allowedCountries,
        perNumberDaily: data.perNumberDaily,
        globalDaily: data.globalDaily,
        newNumbersHourly: data.newNumbersHourly,
      },
      user.id,
    );
    if (data.defaultCountry && data.defaultCountry !== (await getSettings("regional")).defaultCountry) {
      await updateSettings("regional", { defaultCountry: data.defaultCountry }, user.id);
    }
    revalidatePath("/admin/settings/sms");
    return { ok: true, message: "SMS settings saved." };
  });

export const sendTestSmsAction = createAction()
  .use(admin)
  .schema(z.object(phoneInput))
  .run(async (data, { user }) => {
    const { e164 } = parsePhone(data.phone, data.phoneCountry);
    const result = await sendTestSms(e164);
    await audit({
      action: result.ok ? "sms.test_sent" : "sms.test_failed",
      actorId: user.id,
      detail: { provider: result.provider, ok: result.ok, ...(result.ok ? { failedOver: result.failedOver } : {}) },
    });
    const values = { phone: data.phone, phoneCountry: data.phoneCountry };
    if (!result.ok) return { ok: false, message: `The test SMS was not sent: ${result.message}`, values };
    return { ok: true, message: `Test SMS sent. ${result.message}`, values };
  });
