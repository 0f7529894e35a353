import "server-only";
// The Web Request → Node req/res → Web Response bridge that lets oidc-provider (Koa) answer inside
// App Router route handlers: no custom server, so it runs under `next start` and serverless alike.
import { Readable, Writable } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";

export type NodeRequest = IncomingMessage & Record<string, unknown>;

/**
 * A Readable that looks enough like http.IncomingMessage for Koa. The URL and Host come from the
 * configured base URL (`url`), never from the request's Host header; `secure` likewise.
 */
export function toNodeRequest(request: Request, body: Buffer | undefined, opts: { secure: boolean; url: string }): NodeRequest {
  const u = new URL(opts.url);
  const req = Readable.from(body?.length ? [body] : []) as unknown as NodeRequest;
  Object.assign(req, {
    method: request.method,
    url: u.pathname + u.search,
    httpVersion: "1.1",
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    complete: true,
  });
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  delete headers["transfer-encoding"];
  headers.host = u.host;
  if (body?.length) headers["content-length"] = String(body.length);
  else if (request.method !== "GET" && request.method !== "HEAD") headers["content-length"] = "0";
  req.headers = headers;
  // Koa: ctx.secure = socket.encrypted (the proxy setting stays off: forwarded headers are not read).
  const socket = { encrypted: opts.secure, remoteAddress: "0.0.0.0", readable: true, writable: true };
  Object.assign(req, { socket, connection: socket });
  return req;
}

/** Collects what Koa writes; `toResponse()` turns it into a Web Response (every Set-Cookie kept). */
export class NodeResponse extends Writable {
  statusCode = 200;
  statusMessage = "";
  headersSent = false;
  socket = null;
  readonly #headers = new Map<string, string | string[] | number>();
  readonly #chunks: Buffer[] = [];
  readonly done: Promise<void>;

  constructor() {
    super();
    this.done = new Promise((resolve) => this.on("finish", () => resolve()));
  }

  setHeader(name: string, value: string | string[] | number) {
    this.#headers.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name: string) {
    return this.#headers.get(name.toLowerCase());
  }
  getHeaders() {
    return Object.fromEntries(this.#headers);
  }
  getHeaderNames() {
    return [...this.#headers.keys()];
  }
  hasHeader(name: string) {
    return this.#headers.has(name.toLowerCase());
  }
  removeHeader(name: string) {
    this.#headers.delete(name.toLowerCase());
  }
  flushHeaders() {
    this.headersSent = true;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.headersSent = true;
    this.#chunks.push(Buffer.from(chunk));
    callback();
  }

  toResponse(): Response {
    const headers = new Headers();
    for (const [name, value] of this.#headers) for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
    const status = this.statusCode;
    const empty = status === 204 || status === 205 || status === 304;
    return new Response(empty ? null : Buffer.concat(this.#chunks), { status, headers });
  }
}

/** Runs a Node-style handler (Koa's callback) on a Web Request and returns its answer as a Web Response. */
export async function runNodeHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  request: Request,
  body: Buffer | undefined,
  opts: { secure: boolean; url: string; decorate?: (req: NodeRequest) => void },
): Promise<Response> {
  const req = toNodeRequest(request, body, opts);
  opts.decorate?.(req);
  const res = new NodeResponse();
  // Koa always ends the response, errors included (its own handler answers them).
  await Promise.all([handler(req, res as unknown as ServerResponse), res.done]);
  return res.toResponse();
}
