/** A dam's technical documents (its staff): each clean one downloads through a short-lived link the API gives. */
import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { contentTypeOf, postToStorage } from "../../api/upload";
import { DocumentBadge } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { useAction } from "../../hooks/useAction";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import type { DamDocument, DamDocumentList, DamDocumentRequest } from "./model";
import { useWord } from "./words";
import { Table } from "./Table";

const WATCH_EVERY_MS = 1500;

export function DamDocuments({ damId, canUpload }: { damId: string; canUpload: boolean }) {
  const { t, bytes, dateTime } = useI18n();
  const word = useWord();
  const download = useAction();
  const list = usePagedList<DamDocument, DamDocumentList>(
    (cursor) => call(api().GET("/assets/{id}/documents", { params: { path: { id: damId }, query: { cursor: cursor ?? undefined, limit: 50 } } })),
    [damId],
  );
  // While the file uploaded here is being scanned, read the list again now and then until the
  // scan settles it (someone else's abandoned upload is not waited for).
  const [watching, setWatching] = useState<string | null>(null);
  const watched = list.items.find((doc) => doc.document_id === watching);
  const settling = !!watched && (watched.status === "awaiting_upload" || watched.status === "scanning");
  useEffect(() => {
    if (!settling) return undefined;
    const timer = window.setInterval(() => void list.reload(), WATCH_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [settling, list.reload]);

  async function open(doc: DamDocument) {
    await download.run(async () => {
      const answer = await call(
        api().GET("/assets/{id}/documents/{document_id}", { params: { path: { id: damId, document_id: doc.document_id } } }),
      );
      window.location.assign(answer.download_url);
    });
  }

  return (
    <section className="card" aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t("dams.documents")}</h2>
      {canUpload ? <DocumentUpload damId={damId} onUploaded={(id) => { setWatching(id); void list.reload(); }} /> : null}
      <ProblemAlert error={list.error ?? download.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 ? <EmptyState>{t("dams.documents_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <Table caption={t("dams.documents_caption")} headers={[t("dams.document"), t("dams.document_kind"), t("dams.document_status"), t("dams.document_added")]}>
          {list.items.map((doc) => (
            <tr key={doc.document_id}>
              <td>
                {doc.status === "clean" ? (
                  <button type="button" className="link-button" disabled={download.busy} onClick={() => void open(doc)}>
                    {t("dams.download", { name: doc.filename })}
                  </button>
                ) : doc.filename}
                <span className="meta"> · {bytes(doc.size)}</span>
                {doc.reason ? <p className="field-error">{doc.reason}</p> : null}
              </td>
              <td>{word("documentKind", doc.kind)}</td>
              <td><DocumentBadge status={doc.status} /></td>
              <td>{doc.uploaded_by} · {dateTime(doc.created_at)}</td>
            </tr>
          ))}
        </Table>
      ) : null}
      <MoreButton list={list} />
    </section>
  );
}

type Kind = DamDocumentRequest["kind"];
const KINDS: Kind[] = ["drawing", "study", "as_built_report", "inspection_photo", "other"];

/** Add a technical document (the dam's registrars, operators and inspectors): straight to storage, then scanned. */
function DocumentUpload({ damId, onUploaded }: { damId: string; onUploaded: (documentId: string) => void }) {
  const { t } = useI18n();
  const word = useWord();
  const action = useAction();
  const [kind, setKind] = useState<Kind>("drawing");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!file) return;
    const ok = await action.run(async () => {
      const offered = await call(api().POST("/assets/{id}/documents", {
        params: { path: { id: damId } },
        body: { kind, filename: file.name, content_type: contentTypeOf(file), size: file.size },
      }));
      setProgress(0);
      try {
        await postToStorage(offered.upload, file, setProgress);
      } finally {
        setProgress(null);
        onUploaded(offered.document_id);
      }
    });
    if (ok) {
      setFile(null);
      form.reset(); // the file chosen is gone from the input too; the kind stays (it is state)
    }
  }

  return (
    <details className="document-upload">
      <summary>{t("dams.add_document")}</summary>
      <form onSubmit={send}>
        <div className="field">
          <label htmlFor="dam-document-kind">{t("dams.document_kind")}</label>
          <select id="dam-document-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((value) => <option key={value} value={value}>{word("documentKind", value)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dam-document-file">{t("dams.document_file")}</label>
          <input id="dam-document-file" type="file" accept="application/pdf,image/jpeg,image/png,application/zip,.pdf,.jpg,.jpeg,.png,.zip"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        {progress !== null ? <progress max={1} value={progress} aria-label={t("dams.uploading")} /> : null}
        <ProblemAlert error={action.error} />
        <button type="submit" disabled={!file || action.busy}>{t("dams.upload_document")}</button>
      </form>
    </details>
  );
}
