// A local stand-in for the Resend HTTP API (POST /emails), strict where Resend is strict:
// Bearer API key, JSON body with from, to (string or array, ≤ 50), subject, and html or text.
// Answers like Resend: 200 { id }, errors as { statusCode, name, message }. It records every
// request, and can be told to fail (500) or hang (never answer) to test delivery failures.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  status: number;
};

export type SentEmail = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
};

export type FakeResendMode = "ok" | "fail" | "hang";

export type FakeResend = {
  url: string;
  apiKey: string;
  /** Every request received, accepted or not, oldest first. */
  requests: RecordedRequest[];
  /** Emails accepted (200), oldest first. */
  sent: SentEmail[];
  /** "ok" (default), "fail" (500 to every request), "hang" (accept the request, never answer). */
  setMode(mode: FakeResendMode): void;
  reset(): void;
  close(): Promise<void>;
};

// Resend accepts "email@example.com" or "Name <email@example.com>".
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const FROM = /^(?:[^<>]*<([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)>|([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+))$/;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const error = (statusCode: number, name: string, message: string) => ({ statusCode, name, message });

function validate(body: unknown): { statusCode: number; name: string; message: string } | SentEmail {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return error(422, "validation_error", "Invalid JSON body.");
  }
  const b = body as Record<string, unknown>;
  for (const field of ["from", "to", "subject"]) {
    if (b[field] === undefined || b[field] === null || b[field] === "") {
      return error(422, "missing_required_field", `Missing \`${field}\` field.`);
    }
  }
  if (typeof b.from !== "string" || !FROM.test(b.from.trim())) {
    return error(
      422,
      "validation_error",
      "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
    );
  }
  const to = typeof b.to === "string" ? [b.to] : b.to;
  if (!Array.isArray(to) || to.length === 0 || !to.every((t) => typeof t === "string")) {
    return error(422, "validation_error", "Invalid `to` field. Use a string or an array of strings.");
  }
  if (to.length > 50) return error(422, "validation_error", "Too many recipients: `to` accepts at most 50 addresses.");
  const bad = to.find((t) => !ADDRESS.test(t.trim()));
  if (bad) return error(422, "validation_error", `Invalid \`to\` field. The email address \`${bad}\` is not valid.`);
  if (typeof b.subject !== "string") return error(422, "validation_error", "Invalid `subject` field.");
  const html = typeof b.html === "string" && b.html ? b.html : undefined;
  const text = typeof b.text === "string" && b.text ? b.text : undefined;
  if (!html && !text && !b.template && !b.react) {
    return error(422, "missing_required_field", "Missing `html` or `text` field.");
  }
  return { id: randomUUID(), from: b.from, to, subject: b.subject, html, text };
}

export async function startFakeResend(options: { apiKey?: string } = {}): Promise<FakeResend> {
  const apiKey = options.apiKey ?? `re_test_${randomUUID().replace(/-/g, "")}`;
  let mode: FakeResendMode = "ok";
  const requests: RecordedRequest[] = [];
  const sent: SentEmail[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = undefined;
    let parseFailed = false;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        parseFailed = true;
      }
    }
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const record: RecordedRequest = { method: req.method ?? "", path, headers: req.headers, body: parseFailed ? raw : body, status: 0 };
    requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      send(res, status, payload);
    };

    if (mode === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (mode === "fail") {
      record.status = 500;
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
      return;
    }
    if (path !== "/emails") return reply(404, error(404, "not_found", "The requested endpoint does not exist."));
    if (req.method !== "POST") return reply(405, error(405, "method_not_allowed", "Method is not allowed for the requested path."));

    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith("Bearer "))
      return reply(
        401,
        error(
          401,
          "missing_api_key",
          "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY.",
        ),
      );
    if (auth.slice("Bearer ".length) !== apiKey) return reply(403, error(403, "invalid_api_key", "API key is invalid"));

    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      return reply(422, error(422, "validation_error", "Content-Type must be application/json."));
    }
    if (parseFailed) return reply(422, error(422, "validation_error", "Invalid JSON body."));
    const result = validate(body);
    if ("statusCode" in result) return reply(result.statusCode, result);
    sent.push(result);
    reply(200, { id: result.id });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    sent,
    setMode(m) {
      mode = m;
    },
    reset() {
      mode = "ok";
      requests.length = 0;
      sent.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
