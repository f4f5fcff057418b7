/** The registers' own reckonings: what is overdue at a dam, a CSV file's rows beside the API's problems, days and links. */
import { describe, expect, it } from "vitest";
import { daysBefore, fieldWords, levelThresholds, mapLink, overdueAt, problemWords, regionKey, rowsWithProblems, type Dam, type Inspection, type Obligation } from "../src/pages/registers/model";
import { shortDay } from "../src/pages/registers/ReadingsChart";
import { en, id } from "../src/i18n/messages/registers";
import { translator } from "../src/i18n/catalogue";
import { ApiError } from "../src/api/problems";

function inspection(date: string, nextDue: string | null, overdue: boolean[]): Inspection {
  return {
    id: `insp_${date}`, kind: "periodic", cause: null, date, inspectors: ["Wati"], findings: [], photos: [],
    recommendations: overdue.map((late, index) => ({ index, text: `r${index}`, due_date: date, status: late ? "open" : "done", overdue: late, changes: [] })),
    next_due: nextDue, recorded_by: "Wati", recorded_at: `${date}T08:00:00+07:00`, version: 1,
  };
}

function obligation(period: string, status: Obligation["status"]): Obligation {
  return { period, due_at: "2026-11-10T00:00:00+07:00", status, application_id: null };
}

describe("what is overdue at a dam", () => {
  it("sums overdue recommendations, late monitoring reports and a passed next inspection", () => {
    const found = overdueAt(
      [inspection("2026-06-01", "2026-09-01", [true, false]), inspection("2026-08-01", "2026-11-01", [true, true])],
      [obligation("2026-09", "met"), obligation("2026-10", "overdue"), obligation("2026-11", "open")],
      "2026-12-04",
    );
    expect(found).toEqual({ recommendations: 3, obligations: 1, inspectionDue: "2026-11-01", total: 5 });
  });

  it("takes the next inspection from the latest inspection only, and not before its day has passed", () => {
    const inspections = [inspection("2026-08-01", "2027-02-01", []), inspection("2026-01-01", "2026-03-01", [])];
    expect(overdueAt(inspections, [], "2026-12-04")).toEqual({ recommendations: 0, obligations: 0, inspectionDue: null, total: 0 });
    expect(overdueAt(inspections, [], "2027-02-02").inspectionDue).toBe("2027-02-01");
  });
});

describe("a CSV file's rows beside the problems the API named", () => {
  const text = "\ufeffdate,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls\r\n2026-10-01,640,,,,\r\n\r\n2026-10-02,abc,,,,\r\n2026-10-03\r\n";

  it("puts each problem at its row (the header is row 1; blank lines keep their number)", () => {
    const { rows, general } = rowsWithProblems(text, [
      { field: "row 4.level_m", message: "harus berupa angka" },
      { field: "row 5", message: "punya 1 sel" },
      { field: "body", message: "kosong" },
    ]);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[3]).toEqual({ number: 4, text: "2026-10-02,abc,,,,", problems: [{ column: "level_m", message: "harus berupa angka" }] });
    expect(rows[4]?.problems).toEqual([{ column: "", message: "punya 1 sel" }]);
    expect(rows[0]?.text.startsWith("date,")).toBe(true);
    expect(rows.filter((r) => r.problems.length > 0).map((r) => r.number)).toEqual([4, 5]);
    expect(general).toEqual(["kosong"]);
  });

  it("keeps a problem about a row the file does not have as a general one", () => {
    expect(rowsWithProblems("date\n", [{ field: "row 9.date", message: "x" }]).general).toEqual(["x"]);
  });
});

describe("days, places and thresholds", () => {
  it("counts days back across months and years", () => {
    expect(daysBefore("2026-03-01", 1)).toBe("2026-02-28");
    expect(daysBefore("2027-01-05", 29)).toBe("2026-12-07");
  });

  it("writes a short day for the chart in either language", () => {
    expect(shortDay("2026-11-06", "en")).toBe("6 Nov");
    expect(shortDay("2026-12-24", "id")).toMatch(/^24 Des/);
  });

  it("links to OpenStreetMap at the dam's point, and turns region codes into the master data's keys", () => {
    expect(mapLink(-6.859, 108.099)).toBe("https://www.openstreetmap.org/?mlat=-6.859&mlon=108.099#map=13/-6.859/108.099");
    expect(regionKey("32.14.03")).toBe("321403");
  });

  it("reads the level thresholds a dam sets, in band order, and none when it sets none", () => {
    const dam = { thresholds: { level_m: { awas: 111.6, waspada: 107, siaga: 109.5 } } } as unknown as Dam;
    expect(levelThresholds(dam)).toEqual([
      { band: "waspada", level: 107 }, { band: "siaga", level: 109.5 }, { band: "awas", level: 111.6 },
    ]);
    expect(levelThresholds({ thresholds: {} } as unknown as Dam)).toEqual([]);
    expect(levelThresholds({ thresholds: null } as unknown as Dam)).toEqual([]);
  });
});

describe("the registers' strings", () => {
  it("say every key in both languages with the same placeholders", () => {
    for (const key of Object.keys(id) as (keyof typeof id)[]) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(en[key], key).toBeTruthy();
      expect(names(en[key]), key).toEqual(names(id[key]));
    }
  });
});

describe("a field problem in the reader's words", () => {
  const t = translator("id");

  it("shows the API's own sentence for the register's generic checks", () => {
    expect(problemWords({ field: "row 3.level_m", code: "invalid", detail: "harus berupa angka" }, t)).toBe("harus berupa angka");
  });

  it("words a rule the catalogues know from its code", () => {
    expect(problemWords({ field: "date", code: "required", detail: "is required" }, t)).toBe(t("rule.required"));
  });
});

describe("a failed request's field problems by field", () => {
  it("names a list's item the same way whichever way the API wrote it", () => {
    const error = new ApiError(422, {
      type: "about:blank", title: "Unprocessable", status: 422, detail: "x",
      errors: [
        { field: "recommendations[0].due_date", code: "invalid", detail: "harus sama dengan atau sesudah tanggal inspeksi" },
        { field: "findings.1.text", code: "required", detail: "is required" },
      ],
    } as never);
    const t = translator("id");
    expect(fieldWords(error, t)).toEqual({
      "recommendations.0.due_date": "harus sama dengan atau sesudah tanggal inspeksi",
      "findings.1.text": t("rule.required"),
    });
    expect(fieldWords(new Error("no"), t)).toEqual({});
  });
});
