/** Sets the document title for the current page. */
import { useEffect } from 'react';

export function useTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = title === 'LearnCraft' ? title : `${title} · LearnCraft`;
  }, [title]);
}
