"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { forgetDeviceAction } from "./two-factor-actions";

export type DeviceRow = { id: string; label: string; lastUsed: string; expires: string };

export function TrustedDevicesList({ devices }: { devices: DeviceRow[] }) {
  const [state, action] = useActionState(forgetDeviceAction, null);
  if (!devices.length)
    return (
      <div className="space-y-3">
        <FormMessage state={state} />
        <p className="text-sm text-slate-700">No remembered devices.</p>
      </div>
    );
  return (
    <div className="space-y-3">
      <FormMessage state={state} />
      <ul aria-label="Remembered devices" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {devices.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
            <div>
              <p className="font-medium">{d.label}</p>
              <p className="text-xs text-slate-600">
                Last used {d.lastUsed} · remembered until {d.expires}
              </p>
            </div>
            <form action={action}>
              <input type="hidden" name="deviceId" value={d.id} />
              <SubmitButton variant="secondary">Forget {d.label}</SubmitButton>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
