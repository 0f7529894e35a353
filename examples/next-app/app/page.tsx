import { auth, signIn } from "../auth";

export const dynamic = "force-dynamic";

export default async function Home() {
  const session = await auth();
  if (!session?.user) {
    return (
      <main>
        <h1>Example app</h1>
        <p>You are not signed in.</p>
        <form
          action={async () => {
            "use server";
            await signIn("latchkey", { redirectTo: "/" });
          }}
        >
          <button type="submit">Sign in with Latchkey</button>
        </form>
      </main>
    );
  }
  return (
    <main>
      <h1>Example app</h1>
      <p>
        Signed in as <strong data-testid="name">{session.user.name}</strong> (<span data-testid="email">{session.user.email}</span>)
      </p>
      <dl>
        <dt>Latchkey account (sub)</dt>
        <dd data-testid="sub">{session.user.id}</dd>
        <dt>Sign-in methods (amr)</dt>
        <dd data-testid="amr">{(session.amr ?? []).join(" ")}</dd>
        <dt>Level (acr)</dt>
        <dd data-testid="acr">{session.acr}</dd>
      </dl>
      <form method="post" action="/logout">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
