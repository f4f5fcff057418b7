/**
 * NPWP structure by python-stdnum's rules, which the server uses (chalicelib/domain/npwp.py):
 * 15 digits whose first 9 pass the Luhn check; or the 16-digit form: a 0 and the old number
 * (Luhn over the first 10), or a person's NIK (a real birth date). Whether such a NIK's place of
 * registration exists is left to the server: stdnum reads it from a table of its own.
 */
import { birthDateOf } from "./nik";

export type NpwpProblem = "npwp_length" | "npwp_format" | "npwp_checksum" | "npwp";

export function compactNpwp(raw: string): string {
  // stdnum turns the dash-like characters people paste into "-" before removing separators.
  return raw.replace(/[\u2010-\u2015\u2212]/g, "-").replace(/[ .-]/g, "").trim();
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  const reversed = [...digits].reverse();
  reversed.forEach((char, index) => {
    const value = Number(char);
    if (index % 2 === 0) {
      sum += value;
    } else {
      const doubled = value * 2;
      sum += Math.floor(doubled / 10) + (doubled % 10);
    }
  });
  return sum % 10 === 0;
}

export function checkNpwp(raw: string, today = "9999-12-31"): NpwpProblem | null {
  const number = compactNpwp(raw);
  if (!/^[0-9]+$/.test(number)) return "npwp_format";
  if (number.length === 15) return luhnValid(number.slice(0, 9)) ? null : "npwp_checksum";
  if (number.length === 16) {
    if (number.startsWith("0")) return luhnValid(number.slice(0, 10)) ? null : "npwp_checksum";
    // A NIK as NPWP: stdnum checks the birth date (day % 40) and the place of registration.
    const day = Number(number.slice(6, 8)) % 40;
    if (birthDateOf(day, Number(number.slice(8, 10)), Number(number.slice(10, 12)), today) === null) {
      return "npwp";
    }
    return null;
  }
  return "npwp_length";
}

/** 01.312.166.0-091.000, as printed. */
export function formatNpwp(raw: string): string {
  const n = compactNpwp(raw);
  if (n.length !== 15) return n;
  return `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}.${n.slice(8, 9)}-${n.slice(9, 12)}.${n.slice(12)}`;
}
