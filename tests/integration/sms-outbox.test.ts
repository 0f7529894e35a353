// The outbox SMS provider (S4): named as "no real delivery — for development" wherever it is shown,
// and warned about in production when it is the active provider or the fallback.
import { describe, expect, it } from "vitest";
import { outboxWarning } from "@/lib/delivery/sms/config";
import { loadSmsLib } from "../support/sms-lib";

const LABEL = "Outbox (no real delivery — for development)";

describe("the outbox's name", () => {
  it("is the same in the settings view and in the test SMS report", async () => {
    const lib = await loadSmsLib({});
    expect(lib.SMS_PROVIDER_LABELS.outbox).toBe(LABEL);
    await lib.saveSms({ provider: "outbox", allowedCountries: ["US"] });
    expect((await lib.resolveSmsConfig()).providers.outbox.label).toBe(LABEL);
    expect(await lib.sendTestSms("+14155553201")).toMatchObject({ ok: true, provider: "outbox", message: `Sent through ${LABEL}.` });
  });
});

describe("the production warning", () => {
  it("names the outbox as the active provider", () => {
    expect(outboxWarning({ provider: "outbox", fallbackProvider: "none" }, true)).toBe(
      "Text messages are not delivered: the active provider is the outbox, which only stores them for development. Choose and configure a provider below.",
    );
  });

  it("names the outbox as the fallback provider", () => {
    expect(outboxWarning({ provider: "twilio", fallbackProvider: "outbox" }, true)).toBe(
      "Text messages are not delivered when the active provider fails: the fallback provider is the outbox, which only stores them for development. Choose another fallback provider below, or none.",
    );
  });

  it("says nothing with real providers, nor outside production", () => {
    expect(outboxWarning({ provider: "twilio", fallbackProvider: "clickatell" }, true)).toBeNull();
    expect(outboxWarning({ provider: "twilio", fallbackProvider: "none" }, true)).toBeNull();
    expect(outboxWarning({ provider: "outbox", fallbackProvider: "none" }, false)).toBeNull();
    expect(outboxWarning({ provider: "twilio", fallbackProvider: "outbox" }, false)).toBeNull();
  });
});
