import type { PagedList } from "../hooks/usePagedList";
import { useI18n } from "../i18n/I18n";

/** "Load more" under a paged list, while the API says there is more. */
export function MoreButton<T>({ list }: { list: PagedList<T> }) {
  const { t } = useI18n();
  if (!list.hasMore) return null;
  return (
    <button type="button" className="button-secondary" onClick={() => void list.more()}>
      {t("common.more")}
    </button>
  );
}
