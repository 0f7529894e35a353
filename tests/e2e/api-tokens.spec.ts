// A11: create a personal API token, use it on GET /api/me like a script would, check it, revoke it.
import { expect, test } from "./test";
import { signUpAndConfirm, submitAndWait } from "./helpers";

test("create → GET /api/me with the bearer token → check → revoke → 401", async ({ page, playwright, baseURL }) => {
  const user = await signUpAndConfirm(page, "tokens");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/account\/tokens$/);

  // An empty name is refused next to the field.
  await submitAndWait(page, page.getByRole("button", { name: "Create token" }));
  await expect(page.getByLabel("Token name")).toHaveAccessibleDescription(/Name the token\./);

  await page.getByLabel("Token name").fill("Build server");
  await submitAndWait(page, page.getByRole("button", { name: "Create token" }));
  await expect(page.getByText('Token "Build server" created. Copy it now: it will not be shown again.')).toBeVisible();
  const secret = await page.getByLabel("Your new token").inputValue();
  expect(secret).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);

  const row = page.locator('tr[data-token="Build server"]');
  await expect(row.getByTestId("token-status")).toHaveText("active");
  const nextYear = new Date();
  nextYear.setUTCFullYear(nextYear.getUTCFullYear() + 1);
  await expect(row.getByTestId("token-expires")).toContainText(String(nextYear.getUTCFullYear()));

  // A client without the browser's cookies, like curl.
  const api = await playwright.request.newContext({ baseURL });
  const ok = await api.get("/api/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  const me = (await ok.json()) as { id: string; email: string; status: string };
  expect(me).toMatchObject({ email: user.email, status: "active" });
  expect(Object.keys(me).sort()).toEqual(["email", "id", "status"]);
  const none = await api.get("/api/me");
  expect(none.status()).toBe(401);
  expect(none.headers()["www-authenticate"]).toMatch(/^Bearer/);

  // The secret is shown only once.
  await page.reload();
  await expect(page.getByLabel("Your new token")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  await submitAndWait(page, row.getByRole("button", { name: "Check token Build server" }));
  await expect(row.getByRole("status")).toHaveText(/^Active: valid until \d{1,2} [A-Z][a-z]+ \d{4}\.$/);

  // The Revoke button goes away with the token's active status.
  await row.getByRole("button", { name: "Revoke token Build server" }).click();
  await expect(row.getByTestId("token-status")).toHaveText("revoked");
  await expect(row.getByRole("button", { name: "Revoke token Build server" })).toHaveCount(0);
  await submitAndWait(page, row.getByRole("button", { name: "Check token Build server" }));
  await expect(row.getByRole("status").first()).toHaveText(/^Revoked on /);

  const after = await api.get("/api/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect(after.headers()["www-authenticate"]).toMatch(/^Bearer/);
  expect(((await after.json()) as { error: string }).error).toBe("invalid_token");
  await api.dispose();
});
