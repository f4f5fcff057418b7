// @vitest-environment node
/** issue 20: admin — an office's region code, by the server's rules (chalicelib/domain/regions.py). */
import { describe, expect, it } from "vitest";
import type { Regions } from "../src/forms/nik";
import { regionChoices, regionName, regionProblem } from "../src/pages/admin/regionCodes";

const regions: Regions = {
  provinces: { "31": "DKI Jakarta", "32": "Jawa Barat" },
  regencies: { "3271": "Kota Bogor", "3276": "Kota Depok" },
  districts: { "327101": "Bogor Selatan", "327601": "Pancoran Mas", "327606": "Beji" },
};

const code = (kind: string, value: string, parent: string | null) => regionProblem(kind, value, parent, regions)?.code ?? null;

describe("an office's region code", () => {
  it("is required, of its level, for a kota, kecamatan or kelurahan, and optional otherwise", () => {
    expect(code("kelurahan", "", "32.76.06")).toBe("region_required");
    expect(code("cluster", "", null)).toBeNull();
    expect(regionProblem("kelurahan", "32.76.06", "32.76.06", regions)).toEqual({ code: "region_level", example: "32.76.06.1002" });
    expect(code("kota", "32.76.06", null)).toBe("region_level");
    expect(code("kota", "32.76", null)).toBeNull();
  });

  it("is a real region of the master data, checked as far as the district", () => {
    expect(code("kecamatan", "32.76.99", "32.76")).toBe("region_unknown");
    expect(code("kelurahan", "32.76.06.1099", "32.76.06")).toBeNull();
    expect(code("kelurahan", "32.76.6.1", "32.76.06")).toBe("region_format");
    expect(code("office", "٣٢.76", null)).toBe("region_format");
  });

  it("lies inside the parent office's region, or is the same for an office of no level", () => {
    expect(regionProblem("kecamatan", "32.71.01", "32.76", regions)).toEqual({ code: "region_outside_parent", parent: "32.76" });
    expect(code("kecamatan", "32.76.01", "32.76")).toBeNull();
    expect(code("office", "32.76", "32.76")).toBeNull();
  });

  it("is named from the master data, a village by its district", () => {
    expect(regionName("32.76.06", regions)).toBe("Beji, Kota Depok");
    expect(regionName("32.76.06.1002", regions)).toBe("Beji, Kota Depok");
    expect(regionName("32.76", regions)).toBe("Kota Depok");
    expect(regionName("32.99", regions)).toBeUndefined();
  });
});

describe("searching regions as one types", () => {
  it("offers the kind's level inside the parent, by name or code", () => {
    expect(regionChoices("kecamatan", "", "32.76", regions).map((c) => c.code)).toEqual(["32.76.01", "32.76.06"]);
    expect(regionChoices("kecamatan", "beji", "32.76", regions)).toEqual([{ code: "32.76.06", name: "Beji, Kota Depok" }]);
    expect(regionChoices("kota", "depok", "32", regions)).toEqual([{ code: "32.76", name: "Kota Depok" }]);
    expect(regionChoices("kota", "32.7", null, regions).map((c) => c.code)).toEqual(["32.71", "32.76"]);
  });
});
