/** A service's documents as its requirements list them: the public service page and the staff
 * catalogue both show them this way. */
import type { DocumentSpec } from "../api/types";
import { useI18n } from "../i18n/I18n";
import { typeNames } from "./UploadSlot";

export function DocumentTable({ documents, caption }: { documents: DocumentSpec[]; caption: string }) {
  const { t, pick, bytes } = useI18n();
  if (documents.length === 0) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("service.document")}</th>
            <th scope="col">{t("service.file_types")}</th>
            <th scope="col">{t("service.max_size")}</th>
            <th scope="col">{t("service.required")}</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((doc) => (
            <tr key={doc.name}>
              <td>{pick(doc.label, doc.label_en)}</td>
              <td>{typeNames(doc.content_types)}</td>
              <td>{bytes(doc.max_bytes)}</td>
              <td>{doc.required ? t("common.yes") : t("common.no")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
