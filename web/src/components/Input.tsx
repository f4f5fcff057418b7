import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";

interface Framed {
  label: ReactNode;
  error?: string | undefined;
  help?: ReactNode;
  required?: boolean | undefined;
}

/**
 * A label, its help and its problem around one control, tied to it for screen readers
 * (`aria-describedby`, `aria-invalid`); `control` gets the id and the aria attributes.
 */
function FieldFrame({ label, error, help, required, control }: Framed & { control: (aria: Record<string, unknown>) => ReactNode }) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      {help ? <p className="field-help" id={`${id}-help`}>{help}</p> : null}
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy, "aria-required": required || undefined })}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function Input({ label, error, help, required, ...rest }: Framed & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  return <FieldFrame label={label} error={error} help={help} required={required} control={(aria) => <input {...aria} {...rest} />} />;
}

export function TextArea({ label, error, help, required, ...rest }: Framed & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">) {
  return <FieldFrame label={label} error={error} help={help} required={required} control={(aria) => <textarea {...aria} {...rest} />} />;
}
