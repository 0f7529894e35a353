// Signs out of this app, then asks Latchkey to end its session too (RP-initiated logout): Latchkey
// asks "Sign out?" and sends the browser back to this app's home page.
import { ISSUER, signOut } from "../../auth";

export async function POST(request: Request) {
  await signOut({ redirect: false });
  const end = new URL("/oidc/session/end", ISSUER);
  end.searchParams.set("client_id", process.env.LATCHKEY_CLIENT_ID ?? "");
  end.searchParams.set("post_logout_redirect_uri", new URL("/", request.url).href);
  return Response.redirect(end, 303);
}
