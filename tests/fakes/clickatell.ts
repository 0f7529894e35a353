// A local stand-in for Clickatell's Platform REST API (POST /messages): the API key as the whole
// Authorization header, a JSON body { content, to: [digits], from? }, numbers in international format
// as digits only. Answers like Clickatell: 202 with messages[].accepted, errors with errorCode/error.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CLICKATELL_KEY = "clickatell-test-api-key==";

export type ClickatellFakeMode = "ok" | "4xx" | "5xx" | "hang";
export type ClickatellRequest = { method: string; path: string; authorization?: string; contentType?: string; body: unknown };

export interface ClickatellFake {
  url: string;
  requests: ClickatellRequest[];
  calls(): number;
  /** "4xx" rejects each message (default 114, cannot route); "5xx" answers 503; "hang" never answers. */
  mode(m: ClickatellFakeMode, error?: { errorCode: number; error: string; errorDescription?: string }): void;
  close(): Promise<void>;
}

const DIGITS = /^[1-9]\d{6,14}$/;

export async function startClickatellFake(opts: { apiKey?: string } = {}): Promise<ClickatellFake> {
  const apiKey = opts.apiKey ?? CLICKATELL_KEY;
  const requests: ClickatellRequest[] = [];
  let current: ClickatellFakeMode = "ok";
  let error = { errorCode: 114, error: "Cannot route message", errorDescription: "The message cannot be routed to the destination." };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const globalError = (res: ServerResponse, status: number, errorCode: number, error: string, errorDescription: string) =>
    json(res, status, { messages: [], errorCode, error, errorDescription });
  const rejected = (to: unknown, e: { errorCode: number; error: string; errorDescription?: string }) => ({
    apiMessageId: null,
    accepted: false,
    to,
    errorCode: e.errorCode,
    error: e.error,
    errorDescription: e.errorDescription ?? null,
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, contentType: req.headers["content-type"], body });

    if (current === "hang") return;
    if (current === "5xx") {
      res.writeHead(503, { "Content-Type": "text/plain" });
      res.end("Service Unavailable");
      return;
    }
    if (path !== "/messages") return globalError(res, 404, 404, "Not found", `No resource at ${path}`);
    if (req.method !== "POST") return globalError(res, 405, 405, "Method not allowed", "Use POST");
    if (req.headers.authorization !== apiKey) {
      return globalError(res, 401, 1, "Authentication failed", "Authentication details are incorrect.");
    }
    if (typeof body !== "object" || body === null || !String(req.headers["content-type"] ?? "").includes("application/json")) {
      return globalError(res, 400, 100, "Data malformed", "The JSON/XML data submitted is invalid.");
    }
    const b = body as { content?: unknown; to?: unknown; from?: unknown };
    if (typeof b.content !== "string" || !b.content || !Array.isArray(b.to) || b.to.length === 0) {
      return globalError(res, 400, 101, "Invalid or missing parameters", "One or more parameters are missing or invalid.");
    }
    if (b.from !== undefined && (typeof b.from !== "string" || !DIGITS.test(b.from))) {
      return globalError(res, 400, 106, "Invalid source address", "The sender address that is specified is incorrect.");
    }
    const messages = b.to.map((to) => {
      if (typeof to !== "string" || !DIGITS.test(to)) {
        return rejected(to, {
          errorCode: 105,
          error: "Invalid destination address",
          errorDescription: "The destination address you are attempting to send to is invalid.",
        });
      }
      if (current === "4xx") return rejected(to, error);
      return { apiMessageId: randomBytes(16).toString("hex"), accepted: true, to, errorCode: null, error: null, errorDescription: null };
    });
    const anyAccepted = messages.some((m) => m.accepted);
    json(res, anyAccepted ? 202 : 400, { messages, errorCode: null, error: null, errorDescription: null });
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
    mode(m, e) {
      current = m;
      if (e) error = { errorDescription: "", ...e };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
