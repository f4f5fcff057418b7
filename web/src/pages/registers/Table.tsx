/** A table of the registers' pages: scrolls sideways on a phone, says what it holds (its caption), and heads each column. */
import type { ReactNode } from "react";

export function Table({ caption, headers, className, busy, children }: {
  caption: string;
  headers: ReactNode[];
  className?: string;
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className} aria-busy={busy || undefined}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {headers.map((header, index) => <th key={index} scope="col">{header}</th>)}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
