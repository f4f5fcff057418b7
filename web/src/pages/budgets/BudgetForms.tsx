/**
 * Setting a month's budget (an allocator above the office) and splitting it into categories (a
 * recommender reaching it). The API's problems land at the fields they name: `amount`, each
 * `categories.NAME`, and `categories` (the split as a whole: more than the budget).
 */
import { useId, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { ApiError } from "../../api/problems";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { useAction } from "../../hooks/useAction";
import { useI18n } from "../../i18n/I18n";
import { readRupiah, typedRupiah, type Budget } from "./budgetRules";

interface MoneyInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  help?: string | undefined;
  /** Ids of other texts that describe this box (a problem of the whole group). */
  describedBy?: string | undefined;
  name: string;
}

export function MoneyInput({ label, value, onChange, error, help, describedBy, name }: MoneyInputProps) {
  const id = useId();
  const described = [help ? `${id}-help` : null, error ? `${id}-error` : null, describedBy ?? null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {help ? <p className="field-help" id={`${id}-help`}>{help}</p> : null}
      <div className="input-prefixed">
        <span aria-hidden="true">Rp</span>
        <input
          id={id}
          name={name}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error || describedBy ? true : undefined}
          aria-describedby={described}
        />
      </div>
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function AllocateForm({ nodeId, officeName, period, budget, onSaved }: {
  nodeId: string; officeName: string; period: string; budget: Budget; onSaved: (budget: Budget) => void;
}) {
  const { t, money } = useI18n();
  const [amount, setAmount] = useState(budget.amount === null ? "" : typedRupiah(budget.amount));
  const [saved, setSaved] = useState<number | null>(null);
  const action = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const value = readRupiah(amount);
    if (value === null) return action.refuse({ amount: t("budgets.not_rupiah") });
    let answer: Budget | null = null;
    const ok = await action.run(async () => {
      answer = await call(api().PUT("/budgets/{node_id}/{period}", { params: { path: { node_id: nodeId, period } }, body: { amount: value } }));
    });
    if (ok && answer) {
      setSaved(value);
      onSaved(answer);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="allocate-heading">
      <h2 id="allocate-heading">{t("budgets.allocate")}</h2>
      {saved !== null ? <Notice kind="success">{t("budgets.allocated", { office: officeName, amount: money(saved) })}</Notice> : null}
      <ProblemAlert error={action.error} context="form" />
      <MoneyInput name="amount" label={t("budgets.amount")} value={amount} onChange={setAmount} help={t("budgets.allocate_help")} error={action.fieldErrors.amount} />
      <button type="submit" disabled={action.busy}>
        {t("budgets.allocate_submit")}
      </button>
    </form>
  );
}

/** The split's problem as a whole, worded here so the excess reads as rupiah. */
function wholeSplitProblem(error: unknown, fallback: string | undefined, t: ReturnType<typeof useI18n>["t"], money: (n: number) => string): string | undefined {
  if (!(error instanceof ApiError)) return fallback;
  const found = error.fieldErrors.find((item) => item.field === "categories");
  if (!found) return fallback;
  const excess = found.params?.excess;
  return found.code === "exceeds_budget" && typeof excess === "number" ? t("budgets.split_exceeds", { excess: money(excess) }) : fallback;
}

export function SplitForm({ nodeId, period, budget, onSaved }: { nodeId: string; period: string; budget: Budget; onSaved: (budget: Budget) => void }) {
  const { t, money } = useI18n();
  const names = Object.keys(budget.categories);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((name) => [name, typedRupiah(budget.categories[name]?.recommended ?? 0)])),
  );
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const groupErrorId = useId();

  if (budget.amount === null) {
    return (
      <section className="card" aria-labelledby="split-heading">
        <h2 id="split-heading">{t("budgets.split")}</h2>
        <Notice>{t("budgets.split_no_budget")}</Notice>
      </section>
    );
  }
  const total = names.reduce((sum, name) => sum + (readRupiah(values[name] ?? "") ?? 0), 0);
  const groupError = wholeSplitProblem(action.error, action.fieldErrors.categories, t, money);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const categories: Record<string, number> = {};
    const wrong: Record<string, string> = {};
    for (const name of names) {
      const value = readRupiah(values[name] ?? "");
      if (value === null) wrong[`categories.${name}`] = t("budgets.not_rupiah");
      else categories[name] = value;
    }
    if (Object.keys(wrong).length > 0) return action.refuse(wrong);
    let answer: Budget | null = null;
    const ok = await action.run(async () => {
      answer = await call(
        api().PUT("/budgets/{node_id}/{period}/recommendation", { params: { path: { node_id: nodeId, period } }, body: { categories } }),
      );
    });
    if (ok && answer) {
      setSaved(true);
      onSaved(answer);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="split-heading">
      <h2 id="split-heading">{t("budgets.split")}</h2>
      {saved ? <Notice kind="success">{t("budgets.split_saved")}</Notice> : null}
      {/* The sentence for the whole form only when no field says it better. */}
      {Object.keys(action.fieldErrors).length === 0 ? <ProblemAlert error={action.error} context="form" /> : null}
      <fieldset className={groupError ? "field-invalid" : undefined}>
        <legend>{t("budgets.split_help", { amount: money(budget.amount) })}</legend>
        {groupError ? (
          <p className="field-error" id={groupErrorId} role="alert">
            {groupError}
          </p>
        ) : null}
        {names.map((name) => (
          <MoneyInput
            key={name}
            name={`categories.${name}`}
            label={name}
            value={values[name] ?? ""}
            onChange={(value) => setValues((current) => ({ ...current, [name]: value }))}
            error={action.fieldErrors[`categories.${name}`]}
            describedBy={groupError ? groupErrorId : undefined}
          />
        ))}
        <p className={total > budget.amount ? "over" : "meta"} aria-live="polite" data-figure="split_total">
          {t("budgets.split_total", { total: money(total), amount: money(budget.amount) })}
        </p>
      </fieldset>
      <button type="submit" disabled={action.busy}>
        {t("budgets.split_submit")}
      </button>
    </form>
  );
}
