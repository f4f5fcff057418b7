/**
 * A service's form, checked as people type by the same rules the server applies when it is
 * saved (chalicelib/domain/forms.py): each problem carries the code and numbers the server
 * would send, so the same words appear whether the browser or the API found it.
 *
 * In the form every value is what the person typed (text), or a boolean for yes/no fields;
 * `toApiValue` turns it into the JSON the API takes.
 */
import type { components } from "../api/schema";
import { readNik, type Regions } from "./nik";
import { checkNpwp, compactNpwp } from "./npwp";

export type FieldSpec = components["schemas"]["FieldSpec"];
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export interface RuleProblem {
  code: string;
  params?: Record<string, string | number>;
}

export const DEFAULT_TEXT_LENGTH = 200;
export const DEFAULT_LONG_TEXT_LENGTH = 5000;
export const MAX_MONEY = 10 ** 15;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

export interface CheckContext {
  today: string; // YYYY-MM-DD in WIB
  /** How people write decimals: 1.500,5 (id) or 1,500.5 (en). */
  language?: "id" | "en";
  regions: Regions | null;
  /** Values the API keeps sealed and shows masked: sent back unchanged, they are not checked. */
  sealed?: Record<string, unknown>;
}

export function isEmpty(value: FormValue | undefined): boolean {
  return value === undefined || value === "" || (typeof value === "string" && value.trim() === "");
}

/**
 * A number as people write it in the page's language: in Indonesian 1.500 is fifteen hundred and
 * 12,5 twelve and a half; in English 1,500 and 12.5. A lone dot with other than three digits
 * after it (12.5) is a decimal in both, as phones' number pads offer no comma. Anything that
 * cannot be read one way only is refused, never guessed.
 */
export function parseDecimal(text: string, language: "id" | "en" = "id"): number | null {
  const cleaned = text.trim().replace(/\s+/g, "");
  const [group, decimal] = language === "id" ? [".", ","] : [",", "."];
  const g = group === "." ? "\\." : ",";
  const d = decimal === "." ? "\\." : ",";
  let plain: string | null = null;
  if (new RegExp(`^[+-]?[0-9]{1,3}(${g}[0-9]{3})+(${d}[0-9]+)?$`).test(cleaned)) {
    plain = cleaned.split(group).join("").replace(decimal, ".");
  } else if (new RegExp(`^[+-]?[0-9]+(${d}[0-9]+)?$`).test(cleaned)) {
    plain = cleaned.replace(decimal, ".");
  } else if (language === "id" && /^[+-]?[0-9]+\.[0-9]+$/.test(cleaned)) {
    plain = cleaned; // 12.5 typed on a phone's pad; 1.500 was taken as thousands above
  }
  if (plain === null) return null;
  const value = Number(plain);
  return Number.isFinite(value) ? value : null;
}

/** Whole rupiah from "2.500.000", "Rp 2.500.000" or "2500000"; "fraction" if cents were given. */
export function parseRupiah(text: string): number | "fraction" | null {
  const cleaned = text.trim().replace(/^rp\.?/i, "").replace(/\s+/g, "");
  const match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/.exec(cleaned);
  if (!match || match[1] === undefined) return null;
  if (match[2] !== undefined && /[1-9]/.test(match[2])) return "fraction";
  const value = Number(match[1].replace(/\./g, ""));
  return Number.isFinite(value) ? value : null; // past 2^53 it is far above MAX_MONEY: refused as too large
}

function bounded(spec: FieldSpec, value: number): RuleProblem | null {
  if (spec.min !== null && spec.min !== undefined && value < spec.min) return { code: "min", params: { min: spec.min } };
  if (spec.max !== null && spec.max !== undefined && value > spec.max) return { code: "max", params: { max: spec.max } };
  return null;
}

function checkText(spec: FieldSpec, text: string, defaultLength: number): RuleProblem | null {
  const trimmed = text.trim();
  if (CONTROL.test(trimmed)) return { code: "control_characters" };
  if (spec.type === "text" && trimmed.includes("\n")) return { code: "single_line" };
  const limit = spec.max_length ?? defaultLength;
  // The server counts code points (Python's len), not UTF-16 units.
  if ([...trimmed].length > limit) return { code: "max_length", params: { limit } };
  return null;
}

function checkPhone(text: string): RuleProblem | null {
  if (!/^[+\d\s().-]+$/.test(text)) return { code: "phone" };
  const digits = text.replace(/\D/g, "");
  let national: string;
  if (text.trim().startsWith("+")) {
    if (!digits.startsWith("62")) return { code: "phone_country" };
    national = digits.slice(2);
  } else if (digits.startsWith("62")) {
    national = digits.slice(2);
  } else if (digits.startsWith("0")) {
    national = digits.slice(1);
  } else {
    return { code: "phone_prefix" };
  }
  if (national.length < 8 || national.length > 12 || national.startsWith("0")) return { code: "phone_length" };
  return null;
}

/** The first problem of one filled-in value, or null if it is right. */
export function checkValue(spec: FieldSpec, value: FormValue, context: CheckContext): RuleProblem | null {
  if (spec.type === "boolean") return typeof value === "boolean" ? null : { code: "type" };
  const text = typeof value === "string" ? value : "";
  const sealed = context.sealed?.[spec.name];
  if (sealed !== undefined && text === sealed) return null;
  switch (spec.type) {
    case "text":
      return checkText(spec, text, DEFAULT_TEXT_LENGTH);
    case "long_text":
      return checkText(spec, text, DEFAULT_LONG_TEXT_LENGTH);
    case "number": {
      const number = parseDecimal(text, context.language);
      if (number === null) return { code: "number" };
      return bounded(spec, number);
    }
    case "money": {
      if (/^\s*-\s*[0-9]/.test(text)) return { code: "min", params: { min: 0 } };
      const amount = parseRupiah(text);
      if (amount === "fraction" || amount === null) return { code: "whole_rupiah" };
      if (amount > MAX_MONEY) return { code: "max", params: { max: MAX_MONEY } };
      return bounded(spec, amount);
    }
    case "date": {
      if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return { code: "date_format" };
      const [year, month, day] = text.split("-").map(Number) as [number, number, number];
      const when = new Date(0);
      when.setUTCFullYear(year, month - 1, day); // Date.UTC would read year 99 as 1999
      if (when.getUTCFullYear() !== year || when.getUTCMonth() !== month - 1 || when.getUTCDate() !== day) {
        return { code: "real_date" };
      }
      if (spec.not_future && text > context.today) return { code: "not_future" };
      return null;
    }
    case "nik": {
      const reading = readNik(text, context.today, context.regions);
      const first = reading.codes[0];
      return first ? { code: first } : null;
    }
    case "npwp": {
      const problem = checkNpwp(text);
      return problem ? { code: problem } : null;
    }
    case "email": {
      const trimmed = text.trim();
      return trimmed.length <= 254 && EMAIL.test(trimmed) ? null : { code: "email" };
    }
    case "phone":
      return checkPhone(text);
    case "choice":
      return (spec.options ?? []).includes(text) ? null : { code: "choice", params: { options: (spec.options ?? []).join(", ") } };
    default:
      return null;
  }
}

/**
 * Every field's problem. A draft may be incomplete (`complete` false); submitting needs every
 * required field, as the server's submit does.
 */
export function checkForm(
  fields: FieldSpec[],
  values: FormValues,
  context: CheckContext,
  complete: boolean,
): Record<string, RuleProblem> {
  const problems: Record<string, RuleProblem> = {};
  for (const spec of fields) {
    const value = values[spec.name];
    if (isEmpty(value)) {
      if (complete && spec.required) problems[spec.name] = { code: "required" };
      continue;
    }
    const problem = checkValue(spec, value as FormValue, context);
    if (problem) problems[spec.name] = problem;
  }
  return problems;
}

/** The JSON the API takes for one value (null clears the field in a PATCH merge). */
/** A form value as the API takes it (the document allows these only). */
export type ApiValue = string | number | boolean | null;

export function toApiValue(spec: FieldSpec, value: FormValue | undefined, language: "id" | "en" = "id"): ApiValue {
  if (value === undefined) return null;
  if (spec.type === "boolean") return typeof value === "boolean" ? value : null;
  const text = String(value).trim();
  if (text === "") return null;
  switch (spec.type) {
    case "number":
      return parseDecimal(text, language) ?? text;
    case "money": {
      const amount = parseRupiah(text);
      return typeof amount === "number" ? amount : text;
    }
    case "nik":
      return text.replace(/\s+/g, "");
    case "npwp":
      return compactNpwp(text);
    default:
      return text;
  }
}

/** What the form shows for a value the API holds. */
export function fromApiValue(spec: FieldSpec, value: unknown, formatMoney: (n: number) => string, language: "id" | "en" = "id"): FormValue {
  if (spec.type === "boolean") return value === true;
  if (value === null || value === undefined) return "";
  if (spec.type === "money" && typeof value === "number") return formatMoney(value).replace(/^Rp\s?/, "");
  // A decimal goes back into the box the way this language writes it, without grouping.
  if (spec.type === "number" && typeof value === "number") return language === "id" ? String(value).replace(".", ",") : String(value);
  return String(value);
}

/** The form's values as the `data` of a create or PATCH: every field, emptied ones as null. */
export function toApiData(fields: FieldSpec[], values: FormValues, language: "id" | "en" = "id"): Record<string, ApiValue> {
  const data: Record<string, ApiValue> = {};
  for (const spec of fields) data[spec.name] = toApiValue(spec, values[spec.name], language);
  return data;
}
