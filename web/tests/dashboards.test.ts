import { describe, expect, it } from "vitest";
import {
  countedClock, csvCell, currentPeriod, figureOffices, isPeriod, monthLabel, reachablePath, toCsv, topOffices,
} from "../src/pages/dashboards/figures";
import { shownTable, type Column } from "../src/pages/dashboards/DataTable";

describe("the dashboard's CSV", () => {
  it("holds the table's headers and cell texts, quoted where needed", () => {
    const columns: Column<{ name: string; used: string }>[] = [
      { header: "Kantor", text: (r) => r.name },
      { header: "Terpakai", text: (r) => r.used },
    ];
    const table = shownTable(columns, [{ name: "Cluster, Utara", used: "Rp 7.500.000" }, { name: 'Kata "x"', used: "Rp 0" }]);
    expect(toCsv(table)).toBe('Kantor,Terpakai\r\n"Cluster, Utara",Rp 7.500.000\r\n"Kata ""x""",Rp 0\r\n');
  });

  it("never starts a cell with a formula, but leaves negative numbers alone", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@SUM")).toBe("'@SUM");
    expect(csvCell("-12%")).toBe("-12%");
    expect(csvCell("-Rp 1.000")).toBe("-Rp 1.000");
    expect(csvCell("-12,5%")).toBe('"-12,5%"');
  });
});

describe("whose dashboard and how far up", () => {
  it("counts only roles that see figures, once per office", () => {
    expect(figureOffices([
      { role: "viewer", node_id: "a" }, { role: "approver", node_id: "a" }, { role: "ops", node_id: "b" },
    ])).toEqual(["a"]);
  });

  it("opens the offices not below another of the person's offices", () => {
    expect(topOffices({ area: ["root", "area"], branch: ["root", "area", "region", "branch"], other: ["root", "other"] }))
      .toEqual(["area", "other"]);
  });

  it("starts the breadcrumb at the highest office the person reaches on the path", () => {
    const path = ["root", "area", "region", "branch", "cluster"];
    expect(reachablePath(path, ["branch"])).toEqual(["branch", "cluster"]);
    expect(reachablePath(path, ["region", "branch"])).toEqual(["region", "branch", "cluster"]);
    expect(reachablePath(path, ["elsewhere"])).toEqual(["cluster"]);
  });
});

describe("periods", () => {
  it("accepts a month from 2000-01 to 2100-12 only", () => {
    expect(isPeriod("2026-12")).toBe(true);
    expect(isPeriod("2026-13")).toBe(false);
    expect(isPeriod("1999-12")).toBe(false);
    expect(isPeriod(null)).toBe(false);
  });

  it("takes this month in WIB, not the device's zone", () => {
    // 31 Dec 2026 18:00 UTC is already 1 Jan 2027 in Jakarta.
    expect(currentPeriod(new Date(Date.UTC(2026, 11, 31, 18, 0)))).toBe("2027-01");
  });

  it("names a month in the reader's language", () => {
    expect(monthLabel("2026-12", "en")).toBe("Dec 2026");
    expect(monthLabel("2026-12", "id")).toMatch(/^Des 2026$/);
  });
});

describe("how current the figures are", () => {
  it("tells the time counted up to in WIB, to the second", () => {
    expect(countedClock("2026-12-05T03:42:03+00:00", "en")).toBe("5 Dec, 10:42:03 WIB");
    expect(countedClock("2026-12-05T10:42:03+07:00", "id")).toContain("10.42.03");
    expect(countedClock(null, "id")).toBeNull();
    expect(countedClock("not a time", "en")).toBeNull();
  });
});
