/**
 * A look-up by code that needs no login (tracking, certificate checks): the form, the address
 * that names the code (so it can be shared, or opened from a QR code), and what the API said.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { useNavigate, useParams } from "react-router";
import { ApiError } from "../api/problems";
import { useAsync } from "../hooks/useAsync";
import { useTitle } from "../hooks/useTitle";
import { Loading, Notice, ProblemAlert } from "./Feedback";

interface Props<T> {
  base: string; // "/track": the code goes after it
  title: string;
  label: string;
  help: string;
  submit: string;
  notFound: string;
  placeholder?: string;
  find: (code: string) => Promise<T>;
  children: (found: T) => ReactNode;
}

export function CodeLookup<T>({ base, title, label, help, submit, notFound, placeholder, find, children }: Props<T>) {
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const id = useId();
  const [typed, setTyped] = useState(code);
  useEffect(() => setTyped(code), [code]);
  useTitle(title);
  const looked = useAsync(() => (code ? find(code) : Promise.resolve(undefined)), [code]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (typed.trim()) navigate(`${base}/${encodeURIComponent(typed.trim())}`);
  }

  const missing = looked.error instanceof ApiError && looked.error.status === 404;
  return (
    <div className="page narrow">
      <h1>{title}</h1>
      <form onSubmit={onSubmit} className="card">
        <label htmlFor={id}>{label}</label>
        <p className="field-help" id={`${id}-help`}>
          {help}
        </p>
        <div className="inline-form">
          <input id={id} aria-describedby={`${id}-help`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" placeholder={placeholder} />
          <button type="submit">{submit}</button>
        </div>
      </form>
      {code && looked.loading ? <Loading /> : null}
      {missing ? <Notice kind="warning">{notFound}</Notice> : <ProblemAlert error={looked.error} />}
      {looked.data && !looked.loading ? children(looked.data) : null}
    </div>
  );
}
