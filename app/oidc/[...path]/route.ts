// Every OpenID Provider endpoint under /oidc (authorization, token, userinfo, JWKS, revocation,
// sign-out), answered by oidc-provider through lib/oidc/route.ts.
import { handleOidc } from "@/lib/oidc/route";

export const dynamic = "force-dynamic";
export const GET = handleOidc;
export const POST = handleOidc;
export const OPTIONS = handleOidc;
