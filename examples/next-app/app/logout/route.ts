// Signs out of this app, then asks Latchkey to end its session too (RP-initiated logout): Latchkey
// asks "Sign out?" and sends the browser back to this app's home page (a registered sign-out URI).
import { ISSUER, signOut } from "../../auth";

/** This app's public address: AUTH_URL when set (next-auth uses it too), else the host the browser used. */
function appOrigin(request: Request) {
  if (process.env.AUTH_URL) return new URL(process.env.AUTH_URL).origin;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.slice(0, -1);
  return host ? `${proto}://${host}` : new URL(request.url).origin;
}

export async function POST(request: Request) {
  await signOut({ redirect: false });
  const end = new URL("/oidc/session/end", ISSUER);
  end.searchParams.set("client_id", process.env.LATCHKEY_CLIENT_ID ?? "");
  end.searchParams.set("post_logout_redirect_uri", `${appOrigin(request)}/`);
  return Response.redirect(end, 303);
}
