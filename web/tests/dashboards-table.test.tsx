/** A dashboard table in a page: headers and row headers for assistive technology, over-budget
 * marked in words, and a CSV made of the very cells on screen. */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { I18nProvider } from "../src/i18n/I18n";
import { DataTable, type Column } from "../src/pages/dashboards/DataTable";

interface Row {
  name: string;
  used: number;
  over: boolean;
}

const columns: Column<Row>[] = [
  { header: "Kategori", text: (r) => r.name, rowHeader: true },
  { header: "Terpakai", text: (r) => `Rp ${r.used}`, numeric: true },
  { header: "Keterangan", text: (r) => (r.over ? "Melebihi anggaran" : ""), className: (r) => (r.over ? "over" : undefined) },
];
const rows: Row[] = [{ name: "OUTLET", used: 5, over: false }, { name: "SF", used: 9, over: true }];

function draw() {
  return render(
    <I18nProvider initial="id">
      <DataTable id="t" caption="Anggaran per kategori" columns={columns} rows={rows} filename="x.csv" rowKey={(r) => r.name} />
    </I18nProvider>,
  );
}

describe("a dashboard table", () => {
  it("has a caption, column headers and a row header per row, and marks over budget in words", () => {
    draw();
    const table = screen.getByRole("table", { name: "Anggaran per kategori" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Kategori", "Terpakai", "Keterangan"]);
    expect(within(table).getAllByRole("rowheader").map((h) => h.textContent)).toEqual(["OUTLET", "SF"]);
    const over = within(table).getByText("Melebihi anggaran");
    expect(over.className).toContain("over");
    // Scrolls from the keyboard when wider than the screen.
    expect(screen.getByRole("region", { name: "Anggaran per kategori" }).tabIndex).toBe(0);
  });

  it("downloads as CSV the cells on screen", async () => {
    const blobs: Blob[] = [];
    const created = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:x";
    });
    URL.createObjectURL = created as unknown as typeof URL.createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    draw();
    await userEvent.click(screen.getByRole("button", { name: "Unduh CSV: Anggaran per kategori" }));
    expect(click).toHaveBeenCalledOnce();
    const bytes = new Uint8Array(await blobs[0]!.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the byte-order mark Excel needs
    expect(new TextDecoder().decode(bytes.slice(3))).toBe("Kategori,Terpakai,Keterangan\r\nOUTLET,Rp 5,\r\nSF,Rp 9,Melebihi anggaran\r\n");
    click.mockRestore();
  });
});
