// The command-line tools read the .env files as the server does (.env.local and the rest, never over a variable already set), so they open the same database with the same secret.
import { loadEnvConfig } from "@next/env";

loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
