import { useCallback, useEffect, useRef, useState } from "react";

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  setItems: (update: (items: T[]) => T[]) => void;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  more: () => Promise<void>;
  reload: () => Promise<void>;
}

// A filtered page may hold no items while more remain (the API filters what one index read
// returned: docs/DATA.md, "Cursors"). Follow the cursor a few pages before showing "none".
const EMPTY_PAGES_FOLLOWED = 5;

/**
 * A list the API gives page by page (`{items, next_cursor}`), read again when `deps` change.
 * An answer for deps that have since changed is dropped; "more" runs one at a time.
 */
export function usePagedList<T, P extends Page<T>>(
  load: (cursor: string | null) => Promise<P>,
  deps: readonly unknown[],
): PagedList<T> & { first: P | undefined } {
  const [items, setItems] = useState<T[]>([]);
  const [first, setFirst] = useState<P | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const ticket = useRef(0);
  const busy = useRef(false);
  const loader = useRef(load);
  loader.current = load;

  /** Pages from `from` until one holds items (or a few empty ones were followed). */
  const fetchFilled = useCallback(async (from: string | null): Promise<{ page: P; items: T[] }> => {
    let page = await loader.current(from);
    const found = [...page.items];
    for (let followed = 0; found.length === 0 && page.next_cursor && followed < EMPTY_PAGES_FOLLOWED; followed += 1) {
      page = await loader.current(page.next_cursor);
      found.push(...page.items);
    }
    return { page, items: found };
  }, []);

  const reload = useCallback(async () => {
    const mine = ++ticket.current;
    setLoading(true);
    try {
      const { page, items: found } = await fetchFilled(null);
      if (mine !== ticket.current) return;
      setFirst(page);
      setItems(found);
      setCursor(page.next_cursor);
      setError(null);
    } catch (failure) {
      if (mine === ticket.current) setError(failure);
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  }, [fetchFilled]);

  useEffect(() => {
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const more = useCallback(async () => {
    if (!cursor || busy.current) return;
    busy.current = true;
    const mine = ticket.current;
    try {
      const { page, items: found } = await fetchFilled(cursor);
      if (mine !== ticket.current) return;
      setItems((current) => [...current, ...found]);
      setCursor(page.next_cursor);
    } catch (failure) {
      if (mine === ticket.current) setError(failure);
    } finally {
      busy.current = false;
    }
  }, [cursor, fetchFilled]);

  return { items, setItems, first, loading, error, hasMore: cursor !== null, more, reload };
}
