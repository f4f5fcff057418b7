/** The operations pages' pieces: state words, a registry's answer as shown, re-running a day. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api/problems";
import { I18nProvider } from "../src/i18n/I18n";
import { RunDay } from "../src/pages/operations/SendsPage";
import { StateBadge, answerText } from "../src/pages/operations/shared";

const post = vi.hoisted(() => vi.fn());
vi.mock("../src/api/client", () => ({ api: () => ({ POST: post }), call: (request: Promise<unknown>) => request }));

describe("the operations pieces", () => {
  beforeEach(() => {
    post.mockReset(); // (a hook's returned function would be run as its teardown)
  });

  it("says a record's state and a run's outcome in the reader's language", () => {
    render(
      <I18nProvider initial="id">
        <StateBadge state="failed" />
        <StateBadge state="sent" />
        <StateBadge kind="outcome" state="ok" />
      </I18nProvider>,
    );
    expect(screen.getByText("gagal").className).toContain("badge-doc-rejected");
    expect(screen.getByText("terkirim").className).toContain("badge-doc-clean");
    expect(screen.getByText("berhasil")).toBeTruthy();
  });

  it("shows a registry's JSON answer as written and a missing answer's reason as text", () => {
    expect(answerText({ status: "MSG40001", message: "data ditolak" })).toBe('{\n  "status": "MSG40001",\n  "message": "data ditolak"\n}');
    expect(answerText("no answer: TimeoutError: timed out")).toBe("no answer: TimeoutError: timed out");
    expect(answerText(null)).toBe("");
  });

  it("re-runs the day asked for and says how many records are due", async () => {
    post.mockResolvedValue({ target: "bios", date: "2026-12-03", records_due: 2 });
    const user = userEvent.setup();
    render(
      <I18nProvider initial="id">
        <RunDay />
      </I18nProvider>,
    );
    await user.type(screen.getByLabelText("Hari yang dijalankan ulang"), "2026-12-03");
    await user.click(screen.getByRole("button", { name: "Jalankan ulang" }));
    expect(post).toHaveBeenCalledWith("/integrations/{target}/run", { params: { path: { target: "bios" } }, body: { date: "2026-12-03" } });
    expect((await screen.findByRole("status")).textContent).toMatch(/^2 catatan Registri keuangan \(BIOS\) hari 3 Des(ember)? 2026 dijadwalkan/);
  });

  it("puts the API's problem with the day beside the day's field, not in an alert", async () => {
    const refused = new ApiError(422, {
      type: "about:blank", title: "x", status: 422, detail: "x", errors: [{ field: "date", code: "?", detail: "must not be in the future" }],
    } as never);
    post.mockRejectedValue(refused);
    const user = userEvent.setup();
    render(
      <I18nProvider initial="en">
        <RunDay />
      </I18nProvider>,
    );
    await user.type(screen.getByLabelText("Day to re-run"), "2999-01-01");
    await user.click(screen.getByRole("button", { name: "Re-run" }));
    const day = screen.getByLabelText("Day to re-run");
    expect(await screen.findByText(/must not be in the future/)).toBeTruthy();
    expect(day.getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
