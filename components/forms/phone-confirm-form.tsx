"use client";
// Enter a phone → "Send code" → enter the code. The server decides which step shows (pendingPhone).
import { useActionState } from "react";
import { PhoneField, type CountryOption } from "./phone-field";
import { CodeField } from "./code-field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import {
  cancelPhoneConfirm,
  resendPhoneConfirmCode,
  sendPhoneConfirmCode,
  verifyPhoneConfirmCode,
} from "@/app/(app)/account/security/phone-actions";

export function PhoneConfirmForm({
  countries,
  defaultCountry,
  pendingPhone,
  pendingPhoneLabel,
  sendLabel = "Send code",
}: {
  countries: CountryOption[];
  defaultCountry: string;
  pendingPhone: string | null;
  pendingPhoneLabel?: string;
  sendLabel?: string;
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
          <FormMessage state={codeState} />
          <CodeField error={e.code} />
          <SubmitButton pendingText="Checking…">Confirm phone</SubmitButton>
        </form>
        <div className="flex flex-wrap gap-3">
          <form action={resendAction}>
            <SubmitButton variant="secondary" pendingText="Sending…">
              Send a new code
            </SubmitButton>
          </form>
          <form action={cancelAction}>
            <SubmitButton variant="secondary">Use a different number</SubmitButton>
          </form>
        </div>
        <FormMessage state={resendState} />
      </div>
    );
  }
  const e = (!sendState?.ok && sendState?.fieldErrors) || {};
  const v = (!sendState?.ok && sendState?.values) || {};
  return (
    <form action={sendAction} className="space-y-4" noValidate>
      <FormMessage state={codeState?.ok ? codeState : sendState} />
      <PhoneField countries={countries} defaultCountry={v.phoneCountry ?? defaultCountry} defaultValue={v.phone} error={e.phone} countryError={e.phoneCountry} />
      <SubmitButton pendingText="Sending…">{sendLabel}</SubmitButton>
    </form>
  );
}
