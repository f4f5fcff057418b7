/** A dam's technical documents (its staff): each clean one downloads through a short-lived link the API gives. */
import { api, call } from "../../api/client";
import { DocumentBadge } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { useAction } from "../../hooks/useAction";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import type { DamDocument, DamDocumentList } from "./model";
import { useWord } from "./words";

export function DamDocuments({ damId }: { damId: string }) {
  const { t, bytes, dateTime } = useI18n();
  const word = useWord();
  const download = useAction();
  const list = usePagedList<DamDocument, DamDocumentList>(
    (cursor) => call(api().GET("/assets/{id}/documents", { params: { path: { id: damId }, query: { cursor: cursor ?? undefined, limit: 50 } } })),
    [damId],
  );

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
      <ProblemAlert error={list.error ?? download.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 ? <EmptyState>{t("dams.documents_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t("dams.documents_caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("dams.document")}</th>
                <th scope="col">{t("dams.document_kind")}</th>
                <th scope="col">{t("dams.document_status")}</th>
                <th scope="col">{t("dams.document_added")}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      ) : null}
      <MoreButton list={list} />
    </section>
  );
}
