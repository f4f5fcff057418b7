/**
 * A dashboard table and its CSV: both are made from the same columns and rows, so the file
 * holds exactly what the screen shows (the same headers, rows and cell texts).
 */
import type { ReactNode } from "react";
import { useI18n } from "../../i18n/I18n";
import { csvBlob, type ShownTable } from "./figures";

export interface Column<Row> {
  header: string;
  /** The cell's text, on screen and in the CSV. */
  text: (row: Row) => string;
  /** What the cell shows instead, when it is more than text (a link); same words as `text`. */
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
  /** Marked as a row's heading cell (<th scope="row">). */
  rowHeader?: boolean;
  className?: (row: Row) => string | undefined;
}

export function shownTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): ShownTable {
  return { headers: columns.map((c) => c.header), rows: rows.map((row) => columns.map((c) => c.text(row))) };
}

function download(table: ShownTable, filename: string) {
  const url = URL.createObjectURL(csvBlob(table));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function DataTable<Row>({
  id, caption, columns, rows, filename, rowKey, rowClass, empty,
}: {
  id: string;
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  filename: string;
  rowKey: (row: Row, index: number) => string;
  rowClass?: (row: Row) => string | undefined;
  empty?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="dash-table" id={id}>
      {/* Focusable, so a table wider than the screen scrolls from the keyboard too. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col" className={c.numeric ? "num" : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length}>{empty ?? t("dash.none")}</td>
              </tr>
            ) : null}
            {rows.map((row, index) => (
              <tr key={rowKey(row, index)} className={rowClass?.(row)}>
                {columns.map((c) => {
                  const className = [c.numeric ? "num" : "", c.className?.(row) ?? ""].filter(Boolean).join(" ") || undefined;
                  const content = c.render ? c.render(row) : c.text(row);
                  return c.rowHeader ? (
                    <th key={c.header} scope="row" className={className}>
                      {content}
                    </th>
                  ) : (
                    <td key={c.header} className={className}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className="button-secondary" onClick={() => download(shownTable(columns, rows), filename)}
        aria-label={t("dash.csv_of", { table: caption })}>
        {t("dash.csv")}
      </button>
    </div>
  );
}
