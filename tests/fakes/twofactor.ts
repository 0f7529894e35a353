// A local stand-in for 2Factor.in's OTP SMS API: GET /API/V1/{api_key}/SMS/{phone}/{otp}[/{template}],
// answering { Status: "Success", Details: <session id> } or { Status: "Error", Details: <reason> }.
// Checks the API key, the phone (country code + number as digits, no "+"), a 6-digit code, the template.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const TWOFACTOR_KEY = "2f0a1b2c-3d4e-11ee-8c90-0242ac120002";

export type TwoFactorFakeMode = "ok" | "4xx" | "5xx" | "hang";
export type TwoFactorRequest = {
  method: string;
  path: string;
  apiKey?: string;
  phone?: string;
  otp?: string;
  template?: string;
};

export interface TwoFactorFake {
  url: string;
  requests: TwoFactorRequest[];
  calls(): number;
  /** "4xx" answers 400 { Status: "Error", Details } (default: an invalid phone number); "5xx" a 502; "hang" never answers. */
  mode(m: TwoFactorFakeMode, details?: string): void;
  close(): Promise<void>;
}

export async function startTwoFactorFake(opts: { apiKey?: string; templates?: string[] } = {}): Promise<TwoFactorFake> {
  const apiKey = opts.apiKey ?? TWOFACTOR_KEY;
  const requests: TwoFactorRequest[] = [];
  let current: TwoFactorFakeMode = "ok";
  let details = "Invalid Phone Number - Check Number Format";

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, reason: string) => json(res, status, { Status: "Error", Details: reason });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    for await (const _ of req) void _;
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const parts = path.split("/").slice(1).map(decodeURIComponent);
    // ["API", "V1", key, "SMS", phone, otp, template?]
    const [api, v1, key, sms, phone, otp, template, ...rest] = parts;
    requests.push({ method: req.method ?? "", path, apiKey: key, phone, otp, template });

    if (current === "hang") return;
    if (current === "5xx") {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html><body>502 Bad Gateway</body></html>");
      return;
    }
    if (api !== "API" || v1 !== "V1" || sms !== "SMS" || !phone || !otp || rest.length) {
      return fail(res, 404, "Invalid Request - Check URL");
    }
    if (req.method !== "GET") return fail(res, 405, "Method Not Allowed");
    if (key !== apiKey) return fail(res, 400, "Invalid API Key - Not Found");
    if (!/^[1-9]\d{9,14}$/.test(phone)) return fail(res, 400, "Invalid Phone Number - Check Number Format");
    if (!/^\d{6}$/.test(otp)) return fail(res, 400, "Invalid OTP - Only 6 digit numeric OTP is allowed");
    if (template !== undefined && opts.templates && !opts.templates.includes(template)) {
      return fail(res, 400, "Invalid Template Name - Not Found");
    }
    if (current === "4xx") return fail(res, 400, details);
    json(res, 200, { Status: "Success", Details: randomUUID() });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: () => requests.length,
    mode(m, d) {
      current = m;
      if (d) details = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
