/**
 * A service's whole form, generated from its field definitions. Problems show as the person
 * types (once they have left a field, or tried to save), by the same rules as the server; what
 * the server still finds (its 422) lands beside the field it names and goes once it is edited.
 */
import { useCallback, useMemo, useState } from "react";
import { fieldMessage } from "../api/problems";
import { useI18n } from "../i18n/I18n";
import { checkForm, type CheckContext, type FieldSpec, type FormValue, type FormValues } from "../forms/rules";
import { todayInJakarta } from "../i18n/format";
import { Field, useRegions } from "./Field";

export interface FormState {
  values: FormValues;
  setValue: (name: string, value: FormValue) => void;
  touch: (name: string) => void;
  /** Show every problem now (a save or submit was tried); answers whether the form is right. */
  revealAll: (complete: boolean) => boolean;
  /** Problems the server reported, by field name (without the "data." prefix). */
  setServerErrors: (errors: Record<string, string>) => void;
  errors: Record<string, string>;
  dirty: boolean;
  markSaved: () => void;
}

export function useFormState(fields: FieldSpec[], initial: FormValues, sealed: Record<string, unknown> = {}): FormState {
  const { t, language, money } = useI18n();
  const [values, setValues] = useState<FormValues>(initial);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [revealed, setRevealed] = useState<"none" | "draft" | "complete">("none");
  const [serverErrors, setServerErrorsState] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  const regions = useRegions(fields.some((f) => f.type === "nik" || f.type === "npwp"));
  const context: CheckContext = useMemo(() => ({ today: todayInJakarta(), regions, sealed, language }), [regions, sealed, language]);

  const problems = useMemo(
    () => checkForm(fields, values, context, revealed === "complete"),
    [fields, values, context, revealed],
  );

  const errors = useMemo(() => {
    const shown: Record<string, string> = {};
    for (const spec of fields) {
      const problem = problems[spec.name];
      if (problem && (touched[spec.name] || revealed !== "none")) {
        const params = { ...problem.params };
        if (spec.type === "money") {
          // Bounds of an amount read as rupiah: "Paling kecil Rp 10.000."
          for (const bound of ["min", "max"] as const) if (typeof params[bound] === "number") params[bound] = money(params[bound] as number);
        }
        shown[spec.name] = fieldMessage({ field: spec.name, detail: "", code: problem.code, params }, t);
      } else if (serverErrors[spec.name]) {
        shown[spec.name] = serverErrors[spec.name] as string;
      }
    }
    return shown;
  }, [fields, problems, touched, revealed, serverErrors, t, money]);

  const setValue = useCallback((name: string, value: FormValue) => {
    setValues((current) => ({ ...current, [name]: value }));
    setServerErrorsState((current) => {
      if (!(name in current)) return current;
      const { [name]: _gone, ...rest } = current;
      return rest;
    });
    setDirty(true);
  }, []);

  const touch = useCallback((name: string) => setTouched((current) => ({ ...current, [name]: true })), []);

  const revealAll = useCallback(
    (complete: boolean) => {
      setRevealed(complete ? "complete" : "draft");
      return Object.keys(checkForm(fields, values, context, complete)).length === 0;
    },
    [fields, values, context],
  );

  return {
    values,
    setValue,
    touch,
    revealAll,
    setServerErrors: setServerErrorsState,
    errors,
    dirty,
    markSaved: () => setDirty(false),
  };
}

export function DynamicForm({
  fields,
  form,
  disabled,
  maskedFields = [],
}: {
  fields: FieldSpec[];
  form: FormState;
  disabled?: boolean;
  maskedFields?: string[];
}) {
  return (
    <div className="form-fields">
      {fields.map((spec) => (
        <Field
          key={spec.name}
          spec={spec}
          value={form.values[spec.name]}
          onChange={(value) => form.setValue(spec.name, value)}
          onBlur={() => form.touch(spec.name)}
          error={form.errors[spec.name]}
          disabled={disabled}
          masked={maskedFields.includes(spec.name)}
        />
      ))}
    </div>
  );
}
