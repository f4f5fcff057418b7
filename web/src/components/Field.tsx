/**
 * One field of a service's form, drawn from its definition in the catalog: the right input
 * for its type, its label and help in the user's language, and its problem beside it.
 */
import { useEffect, useId, useState } from "react";
import { useI18n } from "../i18n/I18n";
import { loadRegions, readNik, type Regions } from "../forms/nik";
import { parseDecimal, parseRupiah, type FieldSpec, type FormValue } from "../forms/rules";
import { formatNpwp, compactNpwp } from "../forms/npwp";
import { todayInJakarta } from "../i18n/format";

export interface FieldProps {
  spec: FieldSpec;
  value: FormValue | undefined;
  onChange: (value: FormValue) => void;
  onBlur?: () => void;
  error?: string | undefined;
  disabled?: boolean;
  /** The value is a NIK the API keeps sealed and shows masked to this reader. */
  masked?: boolean;
}

export function useRegions(wanted: boolean): Regions | null {
  const [regions, setRegions] = useState<Regions | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    loadRegions().then((loaded) => live && setRegions(loaded)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [wanted]);
  return regions;
}

function NikHint({ value, regions }: { value: string; regions: Regions | null }) {
  const { t, day } = useI18n();
  const reading = readNik(value, todayInJakarta(), regions);
  if (reading.codes.length > 0 || !reading.birthDate) return null;
  const place = [reading.district, reading.regency, reading.province].filter(Boolean).join(", ");
  return (
    <p className="field-hint">
      {t("field.nik_reading", {
        place: place || "…",
        born: day(reading.birthDate),
        sex: t(reading.sex === "F" ? "field.sex_f" : "field.sex_m"),
      })}
    </p>
  );
}

export function Field({ spec, value, onChange, onBlur, error, disabled, masked }: FieldProps) {
  const { t, pick, money, number, language } = useI18n();
  const id = useId();
  const label = pick(spec.label, spec.label_en);
  const describedBy = [error ? `${id}-error` : null, spec.help ? `${id}-help` : null].filter(Boolean).join(" ") || undefined;
  const regions = useRegions(spec.type === "nik" || spec.type === "npwp");
  const text = typeof value === "string" ? value : "";
  const common = {
    id,
    name: spec.name,
    disabled,
    onBlur,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": spec.required || undefined,
  } as const;

  let input;
  switch (spec.type) {
    case "long_text":
      input = <textarea {...common} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "choice":
      input = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t("field.choose")}</option>
          {(spec.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      return (
        <div className={`field field-checkbox${error ? " field-invalid" : ""}`}>
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor={id}>
            {label}
            {spec.required ? <span className="required" aria-hidden="true"> *</span> : null}
          </label>
          {spec.help ? <p className="field-help" id={`${id}-help`}>{spec.help}</p> : null}
          {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
        </div>
      );
    case "date":
      input = <input {...common} type="date" value={text} max={spec.not_future ? todayInJakarta() : undefined} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "money":
      input = (
        <div className="input-prefixed">
          <span aria-hidden="true">Rp</span>
          <input {...common} type="text" inputMode="numeric" autoComplete="off" value={text} onChange={(e) => onChange(e.target.value)} />
        </div>
      );
      break;
    case "number":
      input = <input {...common} type="text" inputMode="decimal" autoComplete="off" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "nik":
      input = (
        <input
          {...common}
          type="text"
          inputMode={masked ? "text" : "numeric"}
          autoComplete="off"
          maxLength={24}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "npwp":
      input = (
        <input
          {...common}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          maxLength={24}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => {
            if (compactNpwp(text).length === 15) onChange(formatNpwp(text));
            onBlur?.();
          }}
        />
      );
      break;
    case "email":
      input = <input {...common} type="email" autoComplete="email" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "phone":
      input = <input {...common} type="tel" autoComplete="tel" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      input = (
        <input {...common} type="text" maxLength={(spec.max_length ?? 200) + 50} value={text} onChange={(e) => onChange(e.target.value)} />
      );
  }

  const amount = spec.type === "money" && text ? parseRupiah(text) : null;
  // What was understood, so 1.500 is never taken for 1,5 unseen.
  const understood = spec.type === "number" && text ? parseDecimal(text, language) : null;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {spec.required ? <span className="required" aria-hidden="true"> *</span> : null}
        {!spec.required ? <span className="optional"> ({t("field.optional")})</span> : null}
      </label>
      {spec.help ? <p className="field-help" id={`${id}-help`}>{spec.help}</p> : null}
      {input}
      {typeof amount === "number" ? <p className="field-hint">{money(amount)}</p> : null}
      {understood !== null && !error ? <p className="field-hint">{t("field.read_as", { value: number(understood) })}</p> : null}
      {spec.type === "nik" && masked ? <p className="field-hint">{t("field.nik_masked")}</p> : null}
      {spec.type === "nik" && !masked && !error && text ? <NikHint value={text} regions={regions} /> : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
