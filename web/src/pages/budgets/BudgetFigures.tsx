/** A month's budget as figures: the summary, the split by category, and each office below. */
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useI18n } from "../../i18n/I18n";
import { isOver, type Budget } from "./budgetRules";

function Percent({ value }: { value: number | null | undefined }) {
  const { number } = useI18n();
  return <>{typeof value === "number" ? `${number(Math.round(value * 10) / 10)}%` : "—"}</>;
}

function Remaining({ value }: { value: number | null | undefined }) {
  const { t, money } = useI18n();
  if (typeof value !== "number") return <>—</>;
  if (!isOver(value)) return <>{money(value)}</>;
  return (
    <strong className="over">
      {money(value)} <span className="badge budgets-over-badge">{t("budgets.over")}</span>
    </strong>
  );
}

/** A term and its figure, kept together (a grid of pairs on a wide screen). */
function Fact({ term, name, children }: { term: string; name: string; children: ReactNode }) {
  return (
    <div className="budgets-fact">
      <dt>{term}</dt>
      <dd data-figure={name}>{children}</dd>
    </div>
  );
}

export function BudgetSummary({ budget, periodText }: { budget: Budget; periodText: string }) {
  const { t, money } = useI18n();
  const over = isOver(budget.remaining);
  return (
    <section className={`card budgets-summary${over ? " budgets-over" : ""}`} aria-labelledby="budget-summary-heading">
      <h2 id="budget-summary-heading">{t("budgets.summary", { period: periodText })}</h2>
      {over ? <p className="over">{t("budgets.over_note")}</p> : null}
      <dl className="budgets-facts">
        <Fact term={t("budgets.amount")} name="amount">
          {budget.amount === null ? t("budgets.none_set") : money(budget.amount)}
        </Fact>
        <Fact term={t("budgets.recommendation")} name="recommendation">
          {money(budget.recommendation)}
        </Fact>
        <Fact term={t("budgets.used")} name="used">
          {money(budget.used)}
        </Fact>
        <Fact term={t("budgets.pending")} name="pending">
          {money(budget.pending)}
        </Fact>
        <Fact term={t("budgets.remaining")} name="remaining">
          <Remaining value={budget.remaining} />
        </Fact>
        <Fact term={t("budgets.percent_used")} name="percent_used">
          <Percent value={budget.percent_used} />
        </Fact>
        {budget.allocated_to_children > 0 ? (
          <Fact term={t("budgets.allocated_children")} name="allocated_to_children">
            {money(budget.allocated_to_children)}
          </Fact>
        ) : null}
      </dl>
    </section>
  );
}

export function CategoryTable({ budget, periodText }: { budget: Budget; periodText: string }) {
  const { t, money } = useI18n();
  const rows = Object.entries(budget.categories);
  return (
    <section aria-labelledby="budget-categories-heading">
      <h2 id="budget-categories-heading">{t("budgets.categories")}</h2>
      {/* Wider than a phone: it scrolls in its box, which the keyboard can reach (no links inside). */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t("budgets.categories_caption", { period: periodText })}>
        <table className="budgets-table">
          <caption>{t("budgets.categories_caption", { period: periodText })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("budgets.category")}</th>
              <th scope="col" className="num">{t("budgets.recommendation")}</th>
              <th scope="col" className="num">{t("budgets.used")}</th>
              <th scope="col" className="num">{t("budgets.pending")}</th>
              <th scope="col" className="num">{t("budgets.remaining")}</th>
              <th scope="col" className="num">{t("budgets.percent_used")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, figures]) => (
              <tr key={name} className={isOver(figures.remaining) ? "budgets-row-over" : undefined} data-category={name}>
                <th scope="row">{name}</th>
                <td className="num">{money(figures.recommended)}</td>
                <td className="num">{money(figures.used)}</td>
                <td className="num">{money(figures.pending)}</td>
                <td className="num">
                  <Remaining value={figures.remaining} />
                </td>
                <td className="num">
                  <Percent value={figures.percent_used} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t("budgets.total")}</th>
              <td className="num">{money(budget.recommendation)}</td>
              <td className="num">{money(budget.used)}</td>
              <td className="num">{money(budget.pending)}</td>
              <td className="num">
                <Remaining value={budget.remaining} />
              </td>
              <td className="num">
                <Percent value={budget.percent_used} />
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

export interface ChildBudget {
  id: string;
  name: string;
  budget: Budget | null;
}

export function ChildrenTable({ office, rows, period, periodText }: { office: string; rows: ChildBudget[]; period: string; periodText: string }) {
  const { t, money } = useI18n();
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="budget-children-heading">
      <h2 id="budget-children-heading">{t("budgets.children")}</h2>
      <div className="table-wrap">
        <table className="budgets-table">
          <caption>{t("budgets.children_caption", { office, period: periodText })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("budgets.child_office")}</th>
              <th scope="col" className="num">{t("budgets.amount")}</th>
              <th scope="col" className="num">{t("budgets.used")}</th>
              <th scope="col" className="num">{t("budgets.pending")}</th>
              <th scope="col" className="num">{t("budgets.remaining")}</th>
              <th scope="col" className="num">{t("budgets.percent_used")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className={isOver(row.budget?.remaining) ? "budgets-row-over" : undefined}>
                <th scope="row">
                  <Link to={`/budgets/${encodeURIComponent(row.id)}/${period}`}>{row.name}</Link>
                </th>
                <td className="num">{row.budget?.amount == null ? t("budgets.none_set") : money(row.budget.amount)}</td>
                <td className="num">{row.budget ? money(row.budget.used) : "—"}</td>
                <td className="num">{row.budget ? money(row.budget.pending) : "—"}</td>
                <td className="num">
                  <Remaining value={row.budget?.remaining} />
                </td>
                <td className="num">
                  <Percent value={row.budget?.percent_used} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
