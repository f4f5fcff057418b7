/** The budget pages' own rules, and the split form showing the API's 422 at the fields it names. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api/problems";
import type { User } from "../src/api/types";
import { I18nProvider } from "../src/i18n/I18n";
import { isOver, isPeriod, mayAllocate, maySplit, periodLabel, readRupiah, readsReports, typedRupiah, type Budget } from "../src/pages/budgets/budgetRules";
import { pollDelay } from "../src/pages/budgets/UsageReport";

const put = vi.fn();
vi.mock("../src/api/client", () => ({
  api: () => ({ PUT: put }),
  call: (request: Promise<unknown>) => request,
}));

const { SplitForm } = await import("../src/pages/budgets/BudgetForms");

function person(roles: [string, string][]): User {
  return { id: "u1", email: "a@b.id", name: "A", language: "id", roles: roles.map(([role, node_id]) => ({ role, node_id })), delegated_roles: [] } as unknown as User;
}

describe("budget rules", () => {
  const path = ["org", "area", "region"];
  it("lets an allocator above the office set it, but not one at the office itself", () => {
    expect(mayAllocate(person([["budget_allocator", "area"]]), path)).toBe(true);
    expect(mayAllocate(person([["budget_allocator", "region"]]), path)).toBe(false);
    expect(mayAllocate(person([["viewer", "area"]]), path)).toBe(false);
  });
  it("lets a recommender at or above the office split it", () => {
    expect(maySplit(person([["budget_recommender", "region"]]), path)).toBe(true);
    expect(maySplit(person([["budget_recommender", "other"]]), path)).toBe(false);
  });
  it("shows the reports to those who read them, not to a viewer", () => {
    expect(readsReports(person([["approver", "region"]]), path)).toBe(true);
    expect(readsReports(person([["viewer", "org"]]), path)).toBe(false);
  });
  it("reads rupiah as typed and writes them back the same way", () => {
    expect(readRupiah("2.500.000")).toBe(2_500_000);
    expect(readRupiah("Rp 150000000")).toBe(150_000_000);
    expect(readRupiah("12,5")).toBeNull();
    expect(readRupiah("dua juta")).toBeNull();
    expect(typedRupiah(90_000_000)).toBe("90.000.000");
  });
  it("knows a month and names it in both languages", () => {
    expect(isPeriod("2026-12")).toBe(true);
    expect(isPeriod("2026-13")).toBe(false);
    expect(periodLabel("2026-12", "id")).toBe("Desember 2026");
    expect(periodLabel("2026-12", "en")).toBe("December 2026");
  });
  it("marks only a negative remainder as over budget", () => {
    expect(isOver(-1)).toBe(true);
    expect(isOver(0)).toBe(false);
    expect(isOver(null)).toBe(false);
  });
  it("waits longer after each pending answer, up to eight seconds", () => {
    expect([0, 1, 2, 3, 4, 10].map(pollDelay)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

const budget: Budget = {
  node_id: "region", period: "2027-01", amount: 90_000_000, recommendation: 0, used: 0, pending: 0, remaining: 90_000_000,
  percent_used: 0, allocated_to_children: 0,
  categories: {
    ACQUISITION: { recommended: 0, used: 0, pending: 0, remaining: 0, percent_used: null },
    OUTLET: { recommended: 0, used: 0, pending: 0, remaining: 0, percent_used: null },
  },
};

describe("the split form", () => {
  it("shows a split over the budget at the categories, in rupiah, and saves a good one", async () => {
    const user = userEvent.setup();
    const saved = vi.fn();
    put.mockRejectedValueOnce(new ApiError(422, {
      type: "https://satupintu.id/problems/validation", title: "x", status: 422, detail: "x",
      errors: [{ field: "categories", detail: "exceed the budget by Rp 10.000.000", code: "exceeds_budget", params: { excess: 10_000_000 } }],
    } as never));
    render(
      <I18nProvider initial="id">
        <SplitForm nodeId="region" period="2027-01" budget={budget} onSaved={saved} />
      </I18nProvider>,
    );
    const acquisition = screen.getByLabelText("ACQUISITION");
    const outlet = screen.getByLabelText("OUTLET");
    await user.clear(acquisition);
    await user.type(acquisition, "50.000.000");
    await user.clear(outlet);
    await user.type(outlet, "50.000.000");
    expect(screen.getByText("Jumlah pembagian: Rp 100.000.000 dari Rp 90.000.000")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Simpan pembagian" }));
    expect(put).toHaveBeenCalledWith("/budgets/{node_id}/{period}/recommendation", {
      params: { path: { node_id: "region", period: "2027-01" } }, body: { categories: { ACQUISITION: 50_000_000, OUTLET: 50_000_000 } },
    });
    const problem = await screen.findByText("Jumlah kategori melebihi anggaran sebesar Rp 10.000.000.");
    expect(outlet.getAttribute("aria-invalid")).toBe("true");
    expect(outlet.getAttribute("aria-describedby")).toContain(problem.id);
    expect(saved).not.toHaveBeenCalled();

    put.mockResolvedValueOnce({ ...budget, recommendation: 90_000_000 });
    await user.clear(outlet);
    await user.type(outlet, "40.000.000");
    await user.click(screen.getByRole("button", { name: "Simpan pembagian" }));
    expect(await screen.findByText("Pembagian per kategori disimpan.")).toBeTruthy();
    expect(saved).toHaveBeenCalledWith({ ...budget, recommendation: 90_000_000 });
    expect(screen.queryByText("Jumlah kategori melebihi anggaran sebesar Rp 10.000.000.")).toBeNull();
  });

  it("refuses what is not whole rupiah at its own box before asking", async () => {
    const user = userEvent.setup();
    put.mockClear();
    render(
      <I18nProvider initial="id">
        <SplitForm nodeId="region" period="2027-01" budget={budget} onSaved={() => undefined} />
      </I18nProvider>,
    );
    const outlet = screen.getByLabelText("OUTLET");
    await user.clear(outlet);
    await user.type(outlet, "12,5");
    await user.click(screen.getByRole("button", { name: "Simpan pembagian" }));
    expect(screen.getByText("Tulis jumlah rupiah utuh, misalnya 2.500.000.")).toBeTruthy();
    expect(outlet.getAttribute("aria-invalid")).toBe("true");
    expect(put).not.toHaveBeenCalled();
  });
});

describe("the figures", () => {
  it("marks a category spent past its recommendation, and the month's total, as over budget", async () => {
    const { BudgetSummary, CategoryTable } = await import("../src/pages/budgets/BudgetFigures");
    const over: Budget = {
      ...budget, amount: 10_000_000, used: 9_000_000, pending: 2_000_000, remaining: -1_000_000, percent_used: 90, recommendation: 10_000_000,
      categories: {
        ACQUISITION: { recommended: 4_000_000, used: 5_000_000, pending: 0, remaining: -1_000_000, percent_used: 125 },
        OUTLET: { recommended: 6_000_000, used: 4_000_000, pending: 2_000_000, remaining: 0, percent_used: 66.7 },
      },
    };
    const { container } = render(
      <I18nProvider initial="id">
        <BudgetSummary budget={over} periodText="Januari 2027" />
        <CategoryTable budget={over} periodText="Januari 2027" />
      </I18nProvider>,
    );
    expect(screen.getByText("Pemakaian melebihi anggaran.")).toBeTruthy();
    const rows = [...container.querySelectorAll("tr.budgets-row-over")].map((row) => row.getAttribute("data-category"));
    expect(rows).toEqual(["ACQUISITION"]);
    expect(container.querySelector('[data-category="ACQUISITION"]')?.textContent).toContain("125%");
    expect(container.querySelector('[data-category="OUTLET"]')?.textContent).toContain("66,7%");
    expect(screen.getAllByText("melebihi anggaran").length).toBe(3); // the summary, the category, the total
  });
});
