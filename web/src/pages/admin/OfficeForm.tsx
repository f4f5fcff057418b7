/** Open an office under another, with its real region code for a kota, kecamatan or kelurahan. */
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { ApiError } from "../../api/problems";
import type { OrgNode } from "../../api/types";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { useRegions } from "../../components/Field";
import { Input } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { exampleFor, REGION_LEVEL_OF_KIND, regionChoices, regionName, regionProblem, type RegionProblem } from "./regionCodes";

const KIND_PATTERN = /^[a-z][a-z0-9_]{1,30}$/;
const KINDS = ["kota", "kabupaten", "kecamatan", "kelurahan", "desa", "office", "division", "area", "region", "branch", "cluster"];

function regionWords(problem: RegionProblem, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  const { code, ...params } = problem;
  return t(`admin.rule.${code}` as MessageKey, params as Record<string, string>);
}

/** The server's problem with the region code, in our words when it names one of our rules. */
function serverRegionProblem(error: unknown): RegionProblem | null {
  if (!(error instanceof ApiError)) return null;
  const found = error.fieldErrors.find((e) => e.field === "region_code" && e.code.startsWith("region_"));
  if (!found) return null;
  const params = (found.params ?? {}) as Record<string, string>;
  return { ...params, code: found.code } as RegionProblem;
}

export function OfficeForm({ parent, onOpened }: { parent: OrgNode; onOpened: () => void }) {
  const { t } = useI18n();
  const regions = useRegions(true);
  const [kind, setKind] = useState("");
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [opened, setOpened] = useState<string | null>(null);
  const action = useAction();
  const level = REGION_LEVEL_OF_KIND[kind];
  const choices = regions && kind ? regionChoices(kind, region, parent.region_code, regions) : [];
  const meaning = regions && region && !regionProblem(kind, region, parent.region_code, regions) ? regionName(region, regions) : undefined;
  const serverProblem = serverRegionProblem(action.error);
  const regionError = action.fieldErrors.region_code
    ? serverProblem ? regionWords(serverProblem, t) : action.fieldErrors.region_code
    : undefined;

  function chooseKind(value: string) {
    setKind(value);
    // A kelurahan's code starts with its kecamatan's: typed after it.
    if (REGION_LEVEL_OF_KIND[value] === 4 && !region && parent.region_code) setRegion(`${parent.region_code}.`);
  }

  async function open(event: FormEvent) {
    event.preventDefault();
    setOpened(null);
    const found: Record<string, string> = {};
    if (!KIND_PATTERN.test(kind)) found.kind = t("admin.office_kind_help");
    if (!name.trim()) found.name = t("rule.required");
    const problem = regionProblem(kind, region.trim(), parent.region_code, regions);
    if (problem) found.region_code = regionWords(problem, t);
    if (Object.keys(found).length > 0) return action.refuse(found);
    const body = { parent_id: parent.id, kind, name: name.trim(), ...(region.trim() ? { region_code: region.trim() } : {}) };
    if (await action.run(() => call(api().POST("/org/nodes", { body })))) {
      setOpened(name.trim());
      setKind("");
      setName("");
      setRegion("");
      onOpened();
    }
  }

  return (
    <form className="card" onSubmit={open} noValidate aria-labelledby="new-office">
      <h2 id="new-office">{t("admin.new_office", { office: parent.name })}</h2>
      {opened ? <Notice kind="success">{t("admin.office_opened", { name: opened })}</Notice> : null}
      {action.error && !serverProblem ? <ProblemAlert error={action.error} /> : null}
      <Input label={t("admin.office_kind")} value={kind} onChange={(e) => chooseKind(e.target.value.trim())} list="office-kinds"
        required help={t("admin.office_kind_help")} error={action.fieldErrors.kind} autoComplete="off" name="kind" />
      <datalist id="office-kinds">
        {KINDS.map((k) => <option key={k} value={k} />)}
      </datalist>
      <Input label={t("admin.office_name")} value={name} onChange={(e) => setName(e.target.value)} required error={action.fieldErrors.name} name="name" />
      <Input
        label={t("admin.office_region")}
        value={region}
        onChange={(e) => setRegion(e.target.value.trim())}
        list="region-choices"
        required={!!level}
        autoComplete="off"
        name="region_code"
        help={
          <>
            {level ? t("admin.office_region_help", { kind, example: exampleFor(kind) ?? "" }) : t("admin.office_region_help_other")}
            {level === 4 ? <> {t("admin.office_region_village")}</> : null}
          </>
        }
        error={regionError}
      />
      <datalist id="region-choices" aria-label={t("admin.region_choices")}>
        {choices.map((c) => <option key={c.code} value={c.code}>{`${c.code} ${c.name}`}</option>)}
      </datalist>
      <p className="field-hint" aria-live="polite">{meaning ? t("admin.region_means", { name: meaning }) : null}</p>
      <button type="submit" disabled={action.busy}>{t("admin.open_office")}</button>
    </form>
  );
}
