/**
 * Librarians' forms: an entry's fields (to add one, or amend one: what it was stays readable as
 * its earlier version), and its PDF, uploaded the way every file is (a presigned POST straight to
 * storage, then the scan: the page watches the entry until the scan settles it).
 */
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { api, call } from "../../api/client";
import { postToStorage } from "../../api/upload";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { Input, TextArea } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { useI18n } from "../../i18n/I18n";
import { REGULATION_STATUSES, REGULATION_TYPES, fieldWords, type Regulation, type RegulationRequest, type RegulationSummary, type RegulationStatus, type RegulationType } from "./model";
import { useCitation, useWord } from "./words";
import { useAsync } from "../../hooks/useAsync";

interface Draft {
  type: RegulationType;
  number: string;
  year: string;
  title: string;
  enacted_on: string;
  status: RegulationStatus | "";
  topics: string;
  summary: string;
  amends: string;
  revokes: string;
}

const BLANK: Draft = {
  type: "law", number: "", year: "", title: "", enacted_on: "", status: "", topics: "", summary: "", amends: "", revokes: "",
};

function draftOf(entry: Regulation): Draft {
  return {
    type: entry.type, number: entry.number, year: String(entry.year), title: entry.title, enacted_on: entry.enacted_on ?? "",
    status: entry.status, topics: entry.topics.join(", "), summary: entry.summary, amends: entry.amends.join(", "),
    revokes: entry.revokes.join(", "),
  };
}

const list = (text: string) => text.split(/[,\n]/).map((part) => part.trim()).filter(Boolean);

function bodyOf(draft: Draft): RegulationRequest {
  return {
    type: draft.type, number: draft.number.trim(), year: Number(draft.year), title: draft.title.trim(),
    enacted_on: draft.enacted_on || null, status: draft.status || null, topics: list(draft.topics),
    summary: draft.summary.trim(), amends: list(draft.amends), revokes: list(draft.revokes),
  };
}

function RegulationFields({ draft, setDraft, errors }: { draft: Draft; setDraft: (d: Draft) => void; errors: Record<string, string> }) {
  const { t } = useI18n();
  const word = useWord();
  const set = (name: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value });
  return (
    <>
      <div className="field">
        <label htmlFor="regulation-type">{t("library.type")}</label>
        <select id="regulation-type" value={draft.type} onChange={set("type")}>
          {REGULATION_TYPES.map((value) => <option key={value} value={value}>{word("regulationType", value)}</option>)}
        </select>
      </div>
      <Input label={t("library.number")} required value={draft.number} onChange={set("number")} error={errors.number} />
      <Input label={t("library.year")} required inputMode="numeric" value={draft.year} onChange={set("year")} error={errors.year} />
      <Input label={t("library.title_field")} required value={draft.title} onChange={set("title")} error={errors.title} />
      <Input label={t("library.enacted_on")} type="date" value={draft.enacted_on} onChange={set("enacted_on")} error={errors.enacted_on} />
      <div className="field">
        <label htmlFor="regulation-status">{t("library.status")}</label>
        <select id="regulation-status" value={draft.status} onChange={set("status")}>
          <option value="">{t("library.status_by_links")}</option>
          {REGULATION_STATUSES.map((value) => <option key={value} value={value}>{word("regulationStatus", value)}</option>)}
        </select>
      </div>
      <Input label={t("library.topics")} help={t("library.comma_help")} value={draft.topics} onChange={set("topics")} error={errors.topics} />
      <TextArea label={t("library.summary")} rows={4} value={draft.summary} onChange={set("summary")} error={errors.summary} />
      <LinkField name="amends" label={t("library.amends")} draft={draft} setDraft={setDraft} error={errors.amends} />
      <LinkField name="revokes" label={t("library.revokes")} draft={draft} setDraft={setDraft} error={errors.revokes} />
    </>
  );
}

let entries: Promise<RegulationSummary[]> | null = null;

const LINKABLE_PAGES = 5;

/** The library's entries to link to: its first pages (100 a page: the library holds a few hundred). */
async function readLibrary(): Promise<RegulationSummary[]> {
  const found: RegulationSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < LINKABLE_PAGES; page += 1) {
    const answer = await call(api().GET("/regulations", { params: { query: { limit: 100, cursor } } }));
    found.push(...answer.items);
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return found;
}

function libraryEntries(): Promise<RegulationSummary[]> {
  entries ??= readLibrary().catch((error: unknown) => {
    entries = null;
    throw error;
  });
  return entries;
}

/** The ids an entry amends or revokes: typed, or added from a list of the library's entries. */
function LinkField({ name, label, draft, setDraft, error }: {
  name: "amends" | "revokes"; label: string; draft: Draft; setDraft: (d: Draft) => void; error: string | undefined;
}) {
  const { t } = useI18n();
  const cite = useCitation();
  const found = useAsync(() => libraryEntries(), []);
  const chosen = list(draft[name]);
  return (
    <div className="link-field">
      <Input label={label} help={t("library.ids_help")} value={draft[name]} error={error}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
      <div className="field">
        <label htmlFor={`add-${name}`}>{t("library.add_link", { what: label })}</label>
        <select id={`add-${name}`} value="" onChange={(e) => e.target.value && setDraft({ ...draft, [name]: [...chosen, e.target.value].join(", ") })}>
          <option value="">{t("library.choose")}</option>
          {(found.data ?? []).filter((entry) => !chosen.includes(entry.id)).map((entry) => (
            <option key={entry.id} value={entry.id}>{cite(entry)}: {entry.title}</option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** /regulations/new: a librarian adds an entry, then lands on its page to upload its PDF. */
export function NewRegulation() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const action = useAction();
  const [draft, setDraft] = useState<Draft>(BLANK);

  async function save(event: FormEvent) {
    event.preventDefault();
    await action.run(async () => {
      const made = await call(api().POST("/regulations", { body: bodyOf(draft) }));
      entries = null; // the list to link from has one more entry
      navigate(`/regulations/${made.id}`);
    });
  }

  return (
    <form onSubmit={save} noValidate className="card">
      <RegulationFields draft={draft} setDraft={setDraft} errors={{ ...action.fieldErrors, ...fieldWords(action.error, t) }} />
      <ProblemAlert error={action.error} />
      <button type="submit" disabled={action.busy}>{t("library.add_save")}</button>
    </form>
  );
}

/** On an entry's page, for librarians: amend it, upload its PDF. */
export function RegulationEditor({ entry, onChanged, reload }: { entry: Regulation; onChanged: (e: Regulation) => void; reload: () => Promise<void> }) {
  const { t } = useI18n();
  const action = useAction();
  const [draft, setDraft] = useState<Draft>(() => draftOf(entry));
  const [saved, setSaved] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const body = bodyOf(draft);
    const ok = await action.run(async () => onChanged(await call(api().PATCH("/regulations/{id}", { params: { path: { id: entry.id } }, body }))));
    if (ok) setSaved(true);
  }

  return (
    <section className="card" aria-labelledby="librarian-heading">
      <h2 id="librarian-heading">{t("library.librarian")}</h2>
      <DocumentUpload entry={entry} reload={reload} />
      <details>
        <summary>{t("library.amend")}</summary>
        <form onSubmit={save} noValidate>
          <RegulationFields draft={draft} setDraft={setDraft} errors={{ ...action.fieldErrors, ...fieldWords(action.error, t) }} />
          <ProblemAlert error={action.error} />
          <button type="submit" disabled={action.busy}>{t("library.amend_save")}</button>
        </form>
      </details>
      {saved ? <Notice kind="success">{t("library.amended")}</Notice> : null}
    </section>
  );
}

const WATCH_EVERY_MS = 1500;

function DocumentUpload({ entry, reload }: { entry: Regulation; reload: () => Promise<void> }) {
  const { t, pick } = useI18n();
  const action = useAction();
  const [progress, setProgress] = useState<number | null>(null);
  const pending = entry.pending_document;
  const settling = pending && (pending.status === "awaiting_upload" || pending.status === "scanning");

  // While the scan runs, read the entry again now and then: it settles clean (it becomes the
  // entry's document) or refused (its reason shown).
  useEffect(() => {
    if (!settling || progress !== null) return undefined;
    const timer = window.setInterval(() => void reload(), WATCH_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [settling, progress, reload]);

  async function upload(file: File | undefined) {
    if (!file) return;
    await action.run(async () => {
      const post = await call(api().POST("/regulations/{id}/document", {
        params: { path: { id: entry.id } },
        body: { filename: file.name, content_type: "application/pdf", size: file.size },
      }));
      setProgress(0);
      try {
        await postToStorage({ url: post.url, fields: post.fields, expires_at: "" }, file, setProgress);
      } finally {
        setProgress(null);
      }
      await reload();
    });
  }

  return (
    <div className="regulation-upload">
      <div className="field">
        <label htmlFor="regulation-pdf">{entry.document ? t("library.replace_pdf") : t("library.upload_pdf")}</label>
        <input id="regulation-pdf" type="file" accept="application/pdf,.pdf" disabled={action.busy} onChange={(e) => void upload(e.target.files?.[0])} />
      </div>
      {progress !== null ? <progress max={1} value={progress} aria-label={t("library.uploading")} /> : null}
      {settling && progress === null ? <p className="loading" role="status">{t("library.scanning", { name: pending.filename })}</p> : null}
      {pending?.status === "rejected" ? (
        <p className="field-error">{t("library.pdf_rejected", { name: pending.filename, reason: pick(pending.reason_id ?? "", pending.reason_en) })}</p>
      ) : null}
      {entry.document ? <p className="meta">{t("library.pdf_current", { name: entry.document.filename })}</p> : null}
      <ProblemAlert error={action.error} />
    </div>
  );
}
