// @vitest-environment node
// Pure rules: no page needed, so no jsdom to start.
/** The form generator's rules: the same as the server's (chalicelib/domain/forms.py), type by type. */
import { describe, expect, it } from "vitest";
import { checkForm, checkValue, parseDecimal, parseRupiah, toApiData, type FieldSpec } from "../src/forms/rules";
import type { Regions } from "../src/forms/nik";

const regions: Regions = {
  provinces: { "32": "Jawa Barat" },
  regencies: { "3276": "Kota Depok" },
  districts: { "327606": "Beji" },
};
const context = { today: "2026-12-03", regions };

function field(type: FieldSpec["type"], extra: Partial<FieldSpec> = {}): FieldSpec {
  return { name: "x", label: "X", label_en: "X", type, required: false, not_future: false, ...extra } as FieldSpec;
}

const code = (spec: FieldSpec, value: string | boolean) => checkValue(spec, value, context)?.code ?? null;

describe("text and long text", () => {
  it("take 200 and 5000 characters by default, or the field's max_length", () => {
    expect(code(field("text"), "a".repeat(200))).toBeNull();
    expect(checkValue(field("text"), "a".repeat(201), context)).toEqual({ code: "max_length", params: { limit: 200 } });
    expect(code(field("text", { max_length: 5 }), "abcdef")).toBe("max_length");
    expect(code(field("long_text"), "a".repeat(5000))).toBeNull();
    expect(code(field("long_text"), "a".repeat(5001))).toBe("max_length");
  });
  it("count characters as the server does, not UTF-16 units", () => {
    expect(code(field("text", { max_length: 3 }), "😀😀😀")).toBeNull();
  });
  it("refuse a line break in a one-line text and control characters anywhere", () => {
    expect(code(field("text"), "a\nb")).toBe("single_line");
    expect(code(field("long_text"), "a\nb")).toBeNull();
    expect(code(field("long_text"), "a\u0007b")).toBe("control_characters");
  });
});

describe("numbers and money", () => {
  it("read numbers the way the page's language writes them, and refuse what could be read two ways", () => {
    expect(parseDecimal("12,5", "id")).toBe(12.5);
    expect(parseDecimal("1.500", "id")).toBe(1500);
    expect(parseDecimal("1.250,5", "id")).toBe(1250.5);
    expect(parseDecimal("12.5", "id")).toBe(12.5); // a phone's number pad has no comma
    expect(parseDecimal("1,250.5", "id")).toBeNull();
    expect(parseDecimal("1,500", "en")).toBe(1500);
    expect(parseDecimal("1,250.5", "en")).toBe(1250.5);
    expect(parseDecimal("12,5", "en")).toBeNull();
    expect(parseDecimal("dua")).toBeNull();
  });
  it("hold numbers to the field's min and max", () => {
    const spec = field("number", { min: 1, max: 150 });
    expect(code(spec, "0")).toBe("min");
    expect(code(spec, "151")).toBe("max");
    expect(code(spec, "3")).toBeNull();
    expect(code(spec, "tiga")).toBe("number");
  });
  it("take whole rupiah with or without thousands dots, and refuse cents", () => {
    expect(parseRupiah("Rp 2.500.000")).toBe(2_500_000);
    expect(parseRupiah("2500000")).toBe(2_500_000);
    expect(parseRupiah("2.500.000,00")).toBe(2_500_000);
    expect(parseRupiah("2.500.000,50")).toBe("fraction");
    expect(code(field("money"), "2.500.000,50")).toBe("whole_rupiah");
    expect(code(field("money"), "-5")).toBe("min");
    expect(code(field("money", { min: 10_000 }), "5.000")).toBe("min");
    expect(code(field("money"), "10000000000000000")).toBe("max");
  });
});

describe("dates", () => {
  it("need a real calendar day", () => {
    expect(code(field("date"), "2026-02-29")).toBe("real_date");
    expect(code(field("date"), "2024-02-29")).toBeNull();
    expect(code(field("date"), "3/12/2026")).toBe("date_format");
  });
  it("refuse a day after today (in WIB) where not_future is set", () => {
    const birth = field("date", { not_future: true });
    expect(code(birth, "2026-12-03")).toBeNull();
    expect(code(birth, "2026-12-04")).toBe("not_future");
    expect(code(field("date"), "2030-01-01")).toBeNull();
  });
});

describe("NIK", () => {
  it("needs 16 digits, spaces allowed between groups", () => {
    expect(code(field("nik"), "3276 0641 0190 0001")).toBeNull();
    expect(code(field("nik"), "327606410190001")).toBe("nik_length");
    expect(code(field("nik"), "32760641019000¹1")).toBe("nik_length");
  });
  it("needs a district in the master data, a real birth date (women +40) and a serial", () => {
    expect(code(field("nik"), "9999994101900001")).toBe("nik_region");
    expect(code(field("nik"), "3276063202900001")).toBe("nik_date"); // 32 Feb
    expect(code(field("nik"), "3276067102900001")).toBe("nik_date"); // women's day 71 → 31 Feb
    expect(code(field("nik"), "3276065902900001")).toBeNull(); // a woman born 19 Feb 1990
  });
  it("chooses the century that keeps the birth in the past", () => {
    expect(code(field("nik"), "3276060312260001")).toBeNull(); // 3 Dec 2026: today
    expect(code(field("nik"), "3276060412260001")).toBeNull(); // 4 Dec 1926
  });
  it("never issues serial 0000", () => {
    expect(code(field("nik"), "3276064101900000")).toBe("nik_serial");
  });
  it("passes a masked NIK the API keeps sealed when it comes back unchanged", () => {
    const sealed = { x: "327606********01" };
    expect(checkValue(field("nik"), "327606********01", { ...context, sealed })).toBeNull();
    expect(checkValue(field("nik"), "327606********01", context)?.code).toBe("nik_length");
  });
});

describe("NPWP", () => {
  it("checks the 15-digit form's check digit, dots and dash allowed", () => {
    expect(code(field("npwp"), "01.312.166.0-091.000")).toBeNull();
    expect(code(field("npwp"), "01.312.166.1-091.000")).toBe("npwp_checksum");
    expect(code(field("npwp"), "013121660091000")).toBeNull();
  });
  it("takes the 16-digit forms and refuses other lengths and letters", () => {
    expect(code(field("npwp"), "0013121660091000")).toBeNull();
    expect(code(field("npwp"), "0113121660091000")).toBe("npwp_checksum");
    expect(code(field("npwp"), "12345")).toBe("npwp_length");
    expect(code(field("npwp"), "01.312.16A.0-091.000")).toBe("npwp_format");
  });
});

describe("e-mail, phone, choice, boolean", () => {
  it("e-mail addresses", () => {
    expect(code(field("email"), "ani@contoh.id")).toBeNull();
    expect(code(field("email"), "ani@contoh")).toBe("email");
  });
  it("Indonesian phone numbers", () => {
    expect(code(field("phone"), "0812-3456-7890")).toBeNull();
    expect(code(field("phone"), "+62 21 1234567")).toBeNull();
    expect(code(field("phone"), "+1 202 555 0100")).toBe("phone_country");
    expect(code(field("phone"), "812345678")).toBe("phone_prefix");
    expect(code(field("phone"), "0812")).toBe("phone_length");
    expect(code(field("phone"), "0812 abc")).toBe("phone");
  });
  it("choices from the field's options only", () => {
    const spec = field("choice", { options: ["Mikro", "Kecil"] });
    expect(code(spec, "Kecil")).toBeNull();
    expect(code(spec, "Besar")).toBe("choice");
  });
  it("yes/no", () => {
    expect(code(field("boolean"), true)).toBeNull();
    expect(code(field("boolean"), false)).toBeNull();
  });
});

describe("the whole form", () => {
  const fields = [field("text", { name: "title", required: true }), field("money", { name: "amount", required: false })];
  it("lets a draft be incomplete but names every required field on submission", () => {
    expect(checkForm(fields, {}, context, false)).toEqual({});
    expect(Object.keys(checkForm(fields, {}, context, true))).toEqual(["title"]);
    expect(checkForm(fields, { title: "  " }, context, true)).toEqual({ title: { code: "required" } });
  });
  it("sends every field, empty ones as null, money as whole rupiah", () => {
    expect(toApiData(fields, { title: " Izin ", amount: "2.500.000" })).toEqual({ title: "Izin", amount: 2_500_000 });
    expect(toApiData(fields, { title: "" })).toEqual({ title: null, amount: null });
  });
});

/**
 * The cases both sides run: tests/unit/test_form_rules_parity.py puts each through the server's
 * check_form, this through the browser's checkValue; the codes must be the same.
 */
import cases from "./form-rules.cases.json";
import realRegions from "../src/forms/districts.generated";

describe("the same answer as the server, case by case", () => {
  // The real region master data, as the page loads it (generated with the build).
  const shared = { today: cases.today, regions: realRegions };
  for (const item of cases.cases) {
    it(`${item.type} ${JSON.stringify(item.value)} → ${item.code ?? "right"}`, () => {
      const spec = field(item.type as FieldSpec["type"], item.spec as Partial<FieldSpec>);
      // The form holds what people type: numbers arrive as text.
      const typed = typeof item.value === "number" ? String(item.value) : (item.value as string | boolean);
      expect(checkValue(spec, typed, shared)?.code ?? null).toBe(item.code);
    });
  }
});

describe("what is sent", () => {
  it("sends what was typed when it is not an amount, for the server to refuse, never a rule", () => {
    const money = field("money", { name: "amount" });
    expect(toApiData([money], { amount: "-5" })).toEqual({ amount: "-5" });
    expect(toApiData([field("number", { name: "area" })], { area: "1.500" }, "id")).toEqual({ area: 1500 });
    expect(toApiData([field("number", { name: "area" })], { area: "1,500" }, "en")).toEqual({ area: 1500 });
  });
});
