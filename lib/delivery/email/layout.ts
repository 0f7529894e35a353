// The one layout of every email Latchkey sends: small components that return HTML strings (tables
// and inline styles, which email clients understand), and the plain-text part beside them. Pure: no
// settings read here — the site's name and address come in with `site`.

export type Site = { name: string; baseUrl: string };

export type EmailContent = {
  subject: string;
  /** The heading of the message. */
  title: string;
  /** Paragraphs of plain text, in order. */
  paragraphs: string[];
  /** A one-time code, shown large (and stated in the paragraphs for the text part). */
  code?: string;
  /** The main action, as a button (and its address under it). */
  action?: { label: string; url: string };
};

export type RenderedEmail = { subject: string; text: string; html: string };

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const COLORS = { text: "#0f172a", muted: "#475569", border: "#e2e8f0", page: "#f1f5f9", card: "#ffffff", brand: "#1d4ed8" };
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function Heading(text: string) {
  return `<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;font-weight:600;color:${COLORS.text}">${escapeHtml(text)}</h1>`;
}

function Paragraph(text: string) {
  return `<p style="margin:0 0 14px;font-size:15px;line-height:1.6;color:${COLORS.text}">${escapeHtml(text)}</p>`;
}

function CodeBox(code: string) {
  return `<p style="margin:4px 0 18px"><span style="display:inline-block;padding:10px 16px;border:1px solid ${COLORS.border};border-radius:8px;background:${COLORS.page};font-family:ui-monospace,Menlo,Consolas,monospace;font-size:26px;letter-spacing:6px;font-weight:700;color:${COLORS.text}">${escapeHtml(code)}</span></p>`;
}

function Button(action: { label: string; url: string }) {
  const href = escapeHtml(action.url);
  return `<p style="margin:8px 0 8px"><a href="${href}" style="display:inline-block;padding:11px 18px;border-radius:6px;background:${COLORS.brand};color:#ffffff;font-size:15px;font-weight:600;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 14px;font-size:12px;line-height:1.5;color:${COLORS.muted};word-break:break-all">Or open this address: <a href="${href}" style="color:${COLORS.brand}">${href}</a></p>`;
}

function Frame(site: Site, preheader: string, body: string) {
  const home = escapeHtml(`${site.baseUrl}/`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(preheader)}</title></head>
<body style="margin:0;padding:0;background:${COLORS.page};font-family:${FONT}">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${COLORS.page}"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px">
<tr><td style="padding:0 4px 16px;font-size:18px;font-weight:700;color:${COLORS.text}"><a href="${home}" style="color:${COLORS.text};text-decoration:none">${escapeHtml(site.name)}</a></td></tr>
<tr><td style="background:${COLORS.card};border:1px solid ${COLORS.border};border-radius:12px;padding:28px">
${body}
</td></tr>
<tr><td style="padding:16px 4px;font-size:12px;line-height:1.5;color:${COLORS.muted}">Sent by ${escapeHtml(site.name)} · <a href="${home}" style="color:${COLORS.muted}">${home}</a></td></tr>
</table></td></tr></table>
</body></html>`;
}

/** The HTML and text parts of one email, in the site's layout. */
export function renderEmail(site: Site, c: EmailContent): RenderedEmail {
  const body = [Heading(c.title), ...c.paragraphs.map(Paragraph), c.code ? CodeBox(c.code) : "", c.action ? Button(c.action) : ""].join("\n");
  const text = [
    c.title,
    "",
    ...c.paragraphs.flatMap((p) => [p, ""]),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ""] : []),
    `${site.name} · ${site.baseUrl}/`,
  ].join("\n");
  return { subject: c.subject, text, html: Frame(site, c.subject, body) };
}
