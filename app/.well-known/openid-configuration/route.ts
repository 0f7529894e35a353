// OpenID Connect Discovery: the provider's metadata at {issuer}/.well-known/openid-configuration.
import { handleOidc } from "@/lib/oidc/route";

export const dynamic = "force-dynamic";
export const GET = handleOidc;
export const OPTIONS = handleOidc;
