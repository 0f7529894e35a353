// A local stand-in for Twilio's Messages API that checks what Twilio checks: the path with the account
// SID, POST, Basic auth SID:token, form-encoded To/From/Body, To in E.164. It can be told to fail.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A made-up Account SID of the right shape ("AC" + 32 hex digits) for the local stand-in.
export const TWILIO_SID = `AC${"0123456789abcdef".repeat(2)}`;
export const TWILIO_TOKEN = "twilio-test-auth-token-9f8e7d6c";

export type TwilioFakeMode = "ok" | "4xx" | "5xx" | "hang";
export type TwilioRequest = { method: string; path: string; authorization?: string; contentType?: string; form: Record<string, string> };

export interface TwilioFake {
  url: string;
  requests: TwilioRequest[];
  calls(): number;
  /** "4xx" answers a Twilio error (default 21610, unsubscribed recipient); "5xx" a non-JSON 500; "hang" never answers. */
  mode(m: TwilioFakeMode, error?: { code: number; message: string; status?: number }): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export async function startTwilioFake(opts: { accountSid?: string; authToken?: string; port?: number } = {}): Promise<TwilioFake> {
  const sid = opts.accountSid ?? TWILIO_SID;
  const token = opts.authToken ?? TWILIO_TOKEN;
  const requests: TwilioRequest[] = [];
  let current: TwilioFakeMode = "ok";
  let error = { code: 21610, message: "Attempt to send to unsubscribed recipient", status: 400 };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const twilioError = (res: ServerResponse, status: number, code: number, message: string) =>
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const form = Object.fromEntries(new URLSearchParams(raw));
    requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, contentType: req.headers["content-type"], form });

    if (current === "hang") return; // never answer
    if (current === "5xx") {
      res.writeHead(500, { "Content-Type": "text/html" });
      res.end("<html><body>Internal Server Error</body></html>");
      return;
    }
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!m) return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
    if (req.method !== "POST") return twilioError(res, 405, 20004, "Method not allowed");
    const expected = `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}`;
    if (req.headers.authorization !== expected || m[1] !== sid) {
      return twilioError(res, 401, 20003, "Authenticate");
    }
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return twilioError(res, 400, 20001, "Expected a form-encoded body");
    }
    if (!form.To) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!form.From) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!form.Body) return twilioError(res, 400, 21602, "Message body is required.");
    if (!E164.test(form.To)) return twilioError(res, 400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);
    if (current === "4xx") return twilioError(res, error.status ?? 400, error.code, error.message);
    const now = new Date().toUTCString();
    json(res, 201, {
      sid: `SM${randomBytes(16).toString("hex")}`,
      account_sid: sid,
      to: form.To,
      from: form.From,
      body: form.Body,
      status: "queued",
      num_segments: "1",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: now,
      date_updated: now,
      uri: `/2010-04-01/Accounts/${sid}/Messages/SM.json`,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: () => requests.length,
    mode(m, e) {
      current = m;
      if (e) error = { status: 400, ...e };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
