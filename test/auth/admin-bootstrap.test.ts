import { describe, expect, it } from "vitest";
import { createDatabase } from "../../db/client";
import { ensureAdmin } from "../../workers/auth/domain/users";
import { PASSWORD, useAuthWorker } from "../support/auth";

const { db, logIn, signUp } = useAuthWorker();

describe("ensureAdmin (ADMIN_EMAIL / ADMIN_PASSWORD at start-up)", () => {
  it("creates the admin once; a second start changes nothing", async () => {
    const database = createDatabase(db.url());
    const first = await ensureAdmin(database, { email: "root@example.com", password: PASSWORD, name: "Administrator" }, 4);
    const second = await ensureAdmin(database, { email: "root@example.com", password: PASSWORD, name: "Administrator" }, 4);
    expect(first).toEqual(second);
    expect(first.roles).toEqual(["admin", "customer"]);
    const tokens = await logIn("root@example.com");
    expect(tokens.accessToken).toBeTruthy();
  });

  it("promotes an existing account without touching its password", async () => {
    const user = await signUp("existing@example.com");
    const admin = await ensureAdmin(createDatabase(db.url()), { email: user.email, password: "a different password", name: "X" }, 4);
    expect(admin.id).toBe(user.id);
    expect(admin.roles).toContain("admin");
    await expect(logIn(user.email, PASSWORD)).resolves.toBeTruthy();
  });
});
