/**
 * The document title of each page: "<page> — LearnCraft" (a lesson's page is "<lesson> · <course>"),
 * the home page plain "LearnCraft".
 */
import { useEffect } from 'react';

const SITE = 'LearnCraft';

/** The full title for a page's own title. */
export function pageTitle(title: string): string {
  return title === SITE ? SITE : `${title} — ${SITE}`;
}

/** Sets the document title for the current page; `undefined` (still loading) keeps the one shown. */
export function useTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = pageTitle(title);
  }, [title]);
}
