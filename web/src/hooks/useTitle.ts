import { useEffect } from "react";

/** The tab's title names the page, so a screen reader (and a person with ten tabs) knows where they are. */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · satupintu`;
  }, [title]);
}
