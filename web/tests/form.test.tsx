/** The form generator in a page: inputs by field type, problems as people type, the server's beside its field. */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect } from "react";
import { describe, expect, it, vi } from "vitest";
import { DynamicForm, useFormState, type FormState } from "../src/components/DynamicForm";
import { I18nProvider } from "../src/i18n/I18n";
import type { FieldSpec } from "../src/forms/rules";

vi.mock("../src/forms/nik", async (original) => {
  const real = await original<typeof import("../src/forms/nik")>();
  const regions = { provinces: { "32": "JAWA BARAT" }, regencies: { "3276": "KOTA DEPOK" }, districts: { "327606": "BEJI" } };
  return { ...real, loadRegions: () => Promise.resolve(regions) };
});

const fields: FieldSpec[] = [
  { name: "name", label: "Nama", label_en: "Name", type: "text", required: true, max_length: 10 },
  { name: "nik", label: "NIK", label_en: "NIK", type: "nik", required: true },
  { name: "born", label: "Tanggal lahir", label_en: "Born", type: "date", required: true, not_future: true },
  { name: "capital", label: "Modal", label_en: "Capital", type: "money", required: false },
  { name: "scale", label: "Skala", label_en: "Scale", type: "choice", required: true, options: ["Mikro", "Kecil"] },
  { name: "agree", label: "Setuju", label_en: "Agree", type: "boolean", required: false },
  { name: "notes", label: "Catatan", label_en: "Notes", type: "long_text", required: false },
  { name: "phone", label: "Telepon", label_en: "Phone", type: "phone", required: false },
] as unknown as FieldSpec[];

let form: FormState;

function Harness({ language = "id" as "id" | "en" }) {
  return (
    <I18nProvider initial={language}>
      <Inner />
    </I18nProvider>
  );
}

function Inner() {
  const state = useFormState(fields, {});
  useEffect(() => {
    form = state;
  });
  return <DynamicForm fields={fields} form={state} />;
}

describe("the generated form", () => {
  it("draws the input each field type needs", () => {
    render(<Harness />);
    expect(screen.getByLabelText(/Tanggal lahir/)).toHaveProperty("type", "date");
    expect((screen.getByLabelText(/Tanggal lahir/) as HTMLInputElement).max).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(screen.getByLabelText(/Skala/).tagName).toBe("SELECT");
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["— Pilih —", "Mikro", "Kecil"]);
    expect(screen.getByLabelText(/Setuju/)).toHaveProperty("type", "checkbox");
    expect(screen.getByLabelText(/Catatan/).tagName).toBe("TEXTAREA");
    expect(screen.getByLabelText(/Telepon/)).toHaveProperty("type", "tel");
    expect(screen.getByLabelText(/Modal/).getAttribute("inputmode")).toBe("numeric");
    expect(screen.getByLabelText(/^NIK/).getAttribute("aria-required")).toBe("true");
  });

  it("shows a field's problem once the person leaves it, tied to the input", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const nik = screen.getByLabelText(/^NIK/);
    await user.type(nik, "3276063202900001");
    expect(screen.queryByText(/Tanggal lahir dalam NIK/)).toBeNull();
    await user.tab();
    const problem = await screen.findByText(/Tanggal lahir dalam NIK/);
    expect(nik.getAttribute("aria-invalid")).toBe("true");
    expect(nik.getAttribute("aria-describedby")).toContain(problem.id);
    await user.clear(nik);
    await user.type(nik, "3276064101900001");
    expect(screen.queryByText(/Tanggal lahir dalam NIK/)).toBeNull();
    expect(await screen.findByText(/BEJI, KOTA DEPOK, JAWA BARAT/)).toBeTruthy();
  });

  it("checks length and shows money as rupiah while typing", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(screen.getByLabelText(/Nama/), "Sebelas huruf");
    await user.tab();
    expect(await screen.findByText("Paling banyak 10 karakter.")).toBeTruthy();
    await user.type(screen.getByLabelText(/Modal/), "2500000");
    expect(screen.getByText("Rp 2.500.000")).toBeTruthy();
  });

  it("names every missing required field when submitting, in the reader's language", async () => {
    render(<Harness language="en" />);
    let right = true;
    act(() => {
      right = form.revealAll(true);
    });
    expect(right).toBe(false);
    expect(screen.getAllByText("Required.")).toHaveLength(4); // name, nik, born, scale
  });

  it("puts the server's problem beside its field until the field is changed", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    act(() => form.setServerErrors({ scale: "Pilih salah satu pilihan yang tersedia." }));
    expect(screen.getByText("Pilih salah satu pilihan yang tersedia.")).toBeTruthy();
    await user.selectOptions(screen.getByLabelText(/Skala/), "Kecil");
    expect(screen.queryByText("Pilih salah satu pilihan yang tersedia.")).toBeNull();
  });
});
