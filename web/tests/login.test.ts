/** Where a login sends people back to: only somewhere in this app. */
import { describe, expect, it } from "vitest";
import { safeNext } from "../src/pages/account/LoginPage";

const ORIGIN = "https://layanan.example.go.id";

describe("the page a login returns to", () => {
  it("is the page that asked for the login", () => {
    expect(safeNext("/applications/app_1?submitted=1#riwayat", ORIGIN)).toBe("/applications/app_1?submitted=1#riwayat");
  });
  it("is never another site, however the address is dressed up", () => {
    for (const next of ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example/", "javascript:alert(1)", ""]) {
      expect(safeNext(next, ORIGIN), next).toBeNull();
    }
    expect(safeNext("/%09/evil.example", ORIGIN)).toBe("/%09/evil.example"); // a path of this site (a 404 page)
  });
});
