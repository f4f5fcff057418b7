/**
 * A dam registrar changes a dam's record (naming the version read: someone else's change since
 * is a 409, said as such): its name, basin, hazard class, measures, schedule and level
 * thresholds. Only what changed is sent; the status moves with permits only.
 */
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { parseDecimal } from "../../forms/rules";
import { useAction } from "../../hooks/useAction";
import { useI18n } from "../../i18n/I18n";
import type { components } from "../../api/schema";
import { fieldWords, levelThresholds, type Dam } from "./model";
import { useWord } from "./words";

type Patch = components["schemas"]["PatchDamRequest"];
type Hazard = NonNullable<Patch["hazard_class"]>;
type Every = NonNullable<Patch["monitoring_every"]>;
const HAZARDS: Hazard[] = ["low", "medium", "high", "very_high"];
const EVERY: Every[] = ["month", "quarter", "year"];
const MEASURES = ["height_m", "crest_length_m", "reservoir_volume_m3", "catchment_km2"] as const;
const BANDS = ["waspada", "siaga", "awas"] as const;

function text(value: number | null | undefined, number: (n: number) => string): string {
  return value === null || value === undefined ? "" : number(value).replace(/\s/g, "");
}

export function DamEditForm({ dam, onSaved }: { dam: Dam; onSaved: (dam: Dam) => void }) {
  const { t, number, language } = useI18n();
  const word = useWord();
  const action = useAction();
  const bands = Object.fromEntries(levelThresholds(dam).map((line) => [line.band, line.level]));
  const [form, setForm] = useState({
    name: dam.name,
    river_basin: dam.river_basin ?? "",
    hazard_class: (dam.hazard_class ?? "low") as Hazard,
    monitoring_every: (dam.monitoring_every ?? "month") as Every,
    year_completed: dam.year_completed ? String(dam.year_completed) : "",
    ...Object.fromEntries(MEASURES.map((name) => [name, text(dam[name], number)])),
    ...Object.fromEntries(BANDS.map((band) => [band, text(bands[band], number)])),
  } as Record<string, string>);
  const [saved, setSaved] = useState(false);
  const set = (name: string) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const refused: Record<string, string> = {};
    const read = (name: string): number | null => {
      const raw = (form[name] ?? "").trim();
      if (!raw) return null;
      const value = parseDecimal(raw, language);
      if (value === null) refused[name] = t("dams.not_a_number");
      return value;
    };
    const body: Patch = { version: dam.version ?? 0 };
    if (form.name?.trim() !== dam.name) body.name = form.name?.trim() ?? "";
    if ((form.river_basin ?? "").trim() !== (dam.river_basin ?? "")) body.river_basin = form.river_basin?.trim() ?? "";
    if (form.hazard_class !== dam.hazard_class) body.hazard_class = form.hazard_class as Hazard;
    if (form.monitoring_every !== dam.monitoring_every) body.monitoring_every = form.monitoring_every as Every;
    const year = form.year_completed?.trim() ? Number(form.year_completed) : null;
    if (year !== (dam.year_completed ?? null)) body.year_completed = year;
    for (const name of MEASURES) {
      const value = read(name);
      if (value !== (dam[name] ?? null)) body[name] = value;
    }
    const levels = BANDS.map((band) => read(band));
    const given = levels.filter((value) => value !== null).length;
    if (given > 0 && given < BANDS.length) for (const band of BANDS) if (!form[band]?.trim()) refused[band] = t("dams.thresholds_all");
    if (given === BANDS.length && BANDS.some((band, i) => levels[i] !== (bands[band] ?? null))) {
      body.thresholds = { level_m: { waspada: levels[0] as number, siaga: levels[1] as number, awas: levels[2] as number } };
    } else if (given === 0 && Object.keys(bands).length > 0) {
      body.thresholds = { level_m: null };
    }
    if (Object.keys(refused).length > 0) return action.refuse(refused);
    const ok = await action.run(async () => onSaved(await call(api().PATCH("/assets/{id}", { params: { path: { id: dam.id } }, body }))));
    if (ok) setSaved(true);
  }

  const errors = { ...action.fieldErrors, ...fieldWords(action.error, t) };
  return (
    <details className="dam-edit">
      <summary>{t("dams.edit")}</summary>
      <form onSubmit={save} noValidate>
        <Input label={t("dams.name")} required value={form.name} onChange={set("name")} error={errors.name} />
        <Input label={t("dams.river_basin")} required value={form.river_basin} onChange={set("river_basin")} error={errors.river_basin} />
        <div className="field">
          <label htmlFor="dam-hazard">{t("dams.hazard_class")}</label>
          <select id="dam-hazard" value={form.hazard_class} onChange={set("hazard_class")}>
            {HAZARDS.map((value) => <option key={value} value={value}>{word("hazard", value)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dam-every">{t("dams.monitoring_every")}</label>
          <select id="dam-every" value={form.monitoring_every} onChange={set("monitoring_every")}>
            {EVERY.map((value) => <option key={value} value={value}>{word("every", value)}</option>)}
          </select>
        </div>
        <div className="reading-grid">
          <Input label={t("dams.height_m")} inputMode="decimal" value={form.height_m} onChange={set("height_m")} error={errors.height_m} />
          <Input label={t("dams.crest_length_m")} inputMode="decimal" value={form.crest_length_m} onChange={set("crest_length_m")} error={errors.crest_length_m} />
          <Input label={t("dams.reservoir_volume_m3")} inputMode="decimal" value={form.reservoir_volume_m3} onChange={set("reservoir_volume_m3")} error={errors.reservoir_volume_m3} />
          <Input label={t("dams.catchment_km2")} inputMode="decimal" value={form.catchment_km2} onChange={set("catchment_km2")} error={errors.catchment_km2} />
          <Input label={t("dams.year_completed")} inputMode="numeric" value={form.year_completed} onChange={set("year_completed")} error={errors.year_completed} />
        </div>
        <fieldset>
          <legend>{t("dams.thresholds_m")}</legend>
          <div className="reading-grid">
            {BANDS.map((band) => (
              <Input key={band} label={word("band", band)} inputMode="decimal" value={form[band]} onChange={set(band)}
                error={errors[band] ?? errors[`thresholds.level_m.${band}`]} />
            ))}
          </div>
          {errors.thresholds ?? errors["thresholds.level_m"] ? <p className="field-error">{errors.thresholds ?? errors["thresholds.level_m"]}</p> : null}
        </fieldset>
        <ProblemAlert error={action.error} />
        {saved ? <Notice kind="success">{t("dams.edited")}</Notice> : null}
        <button type="submit" disabled={action.busy}>{t("dams.edit_save")}</button>
      </form>
    </details>
  );
}
