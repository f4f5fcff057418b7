import { useState } from "react";
import { useAsync } from "./useAsync";

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  setItems: (update: (items: T[]) => T[]) => void;
  /** The first page's answer (counts that come with it, such as unread_count). */
  first: Page<T> | undefined;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  more: () => Promise<void>;
  reload: () => Promise<void>;
}

/** A list the API gives page by page (`{items, next_cursor}`), read again when `deps` change. */
export function usePagedList<T, P extends Page<T>>(load: (cursor: string | null) => Promise<P>, deps: readonly unknown[]): PagedList<T> & { first: P | undefined } {
  const [items, setItemsState] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const first = useAsync(async () => {
    const page = await load(null);
    setItemsState(page.items);
    setCursor(page.next_cursor);
    setMoreError(null);
    return page;
  }, deps);

  async function more() {
    if (!cursor) return;
    try {
      const page = await load(cursor);
      setItemsState((current) => [...current, ...page.items]);
      setCursor(page.next_cursor);
    } catch (failure) {
      setMoreError(failure);
    }
  }

  return {
    items,
    setItems: (update) => setItemsState(update),
    first: first.data,
    loading: first.loading,
    error: first.error ?? moreError,
    hasMore: cursor !== null,
    more,
    reload: first.reload,
  };
}
