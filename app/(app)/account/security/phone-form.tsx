"use client";
// Confirming a phone (/confirm and the security tab): enter it, "Send code", enter the code; the server decides which step shows.
import { useActionState } from "react";
import { CodeField } from "@/components/forms/code-field";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import { FreshRecoveryCodes } from "@/components/forms/two-factor-setup";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { ResendButton } from "@/components/forms/resend-button";
import { cancelPhoneConfirm, resendPhoneConfirmCode, sendPhoneConfirmCode, verifyPhoneConfirmCode } from "./phone-actions";

export function PhoneConfirmForm({
  countries,
  defaultCountry,
  pendingPhone,
  pendingPhoneLabel,
  sendLabel = "Send code",
  context = "confirm",
  resendUntil = null,
}: {
  countries: CountryOption[];
  defaultCountry: string;
  pendingPhone: string | null;
  pendingPhoneLabel?: string;
  sendLabel?: string;
  /** "security": the phone also becomes the SMS two-step method, whose recovery codes show here. */
  context?: "confirm" | "security";
  /** The resend cooldown's end when the page was made (milliseconds since 1970). */
  resendUntil?: number | null;
}) {
  const [sendState, sendAction] = useActionState(sendPhoneConfirmCode, null);
  const [codeState, codeAction] = useActionState(verifyPhoneConfirmCode, null);
  const [resendState, resendAction] = useActionState(resendPhoneConfirmCode, null);
  const [, cancelAction] = useActionState(cancelPhoneConfirm, null);
  if (pendingPhone) {
    const e = (!codeState?.ok && codeState?.fieldErrors) || {};
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          We sent a code to <strong>{pendingPhoneLabel ?? pendingPhone}</strong>.
        </p>
        <form action={codeAction} className="space-y-4" noValidate>
          <FormMessage state={codeState} fields={["code"]} />
          <input type="hidden" name="context" value={context} />
          <CodeField source="sms" error={e.code} />
          <SubmitButton pendingText="Checking…">Confirm phone</SubmitButton>
        </form>
        <div className="flex flex-wrap gap-3">
          <form action={resendAction}>
            <ResendButton until={resendState ? resendState.retryAt : resendUntil} />
          </form>
          <form action={cancelAction}>
            <SubmitButton variant="secondary">Use a different number</SubmitButton>
          </form>
        </div>
        <FormMessage state={resendState} fields={[]} />
      </div>
    );
  }
  const e = (!sendState?.ok && sendState?.fieldErrors) || {};
  const v = (!sendState?.ok && sendState?.values) || {};
  const recoveryCodes = codeState?.ok ? codeState.data?.recoveryCodes : undefined;
  return (
    <div className="space-y-4">
      <form action={sendAction} className="space-y-4" noValidate>
        <FormMessage state={codeState?.ok ? codeState : sendState} fields={["phone", "phoneCountry"]} />
        <PhoneField
          countries={countries}
          defaultCountry={v.phoneCountry ?? defaultCountry}
          defaultValue={v.phone}
          error={e.phone}
          countryError={e.phoneCountry}
        />
        <SubmitButton pendingText="Sending…">{sendLabel}</SubmitButton>
      </form>
      <FreshRecoveryCodes codes={recoveryCodes} />
    </div>
  );
}
