/**
 * Watches messages in a scrolling list and reports the ones a person can see (HOT3 "seen"):
 * on screen enough (`isSeenEnough`) while the page is visible. A message that comes into view
 * while the tab is hidden is reported when the tab is shown again.
 *
 * One IntersectionObserver per list, rooted at the list's scroller; each message registers its
 * element through the returned ref callback and is identified by its `data-id`.
 */
import { type RefObject, useCallback, useEffect, useRef } from 'react';
import { isSeenEnough } from './seenMarks.ts';

const THRESHOLDS = [0, 0.25, 0.5, 0.75, 1];

function isPageVisible(): boolean {
  return document.visibilityState === 'visible';
}

/**
 * Returns a ref callback for message elements; `onSeen(id)` runs for each registered message
 * seen (possibly more than once: the caller dedupes).
 */
export function useSeenObserver(
  rootRef: RefObject<HTMLElement | null>,
  onSeen: (messageId: string) => void,
): (element: HTMLElement | null) => (() => void) | undefined {
  const onSeenRef = useRef(onSeen);
  useEffect(() => {
    onSeenRef.current = onSeen;
  }, [onSeen]);
  const observerRef = useRef<IntersectionObserver | null>(null);
  // Elements register (ref callbacks) before the observer is made (effects), so they wait here.
  const elements = useRef(new Set<HTMLElement>());
  const inView = useRef(new Set<string>());

  const reportInView = useCallback(() => {
    if (!isPageVisible()) return;
    for (const id of inView.current) onSeenRef.current(id);
  }, []);

  useEffect(() => {
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const id = entry.target instanceof HTMLElement ? entry.target.dataset.id : undefined;
          if (id === undefined) continue;
          const isSeen = isSeenEnough({
            isIntersecting: entry.isIntersecting,
            intersectionRatio: entry.intersectionRatio,
            visibleHeight: entry.intersectionRect.height,
            viewportHeight: entry.rootBounds?.height ?? null,
          });
          if (isSeen) inView.current.add(id);
          else inView.current.delete(id);
        }
        reportInView();
      },
      { root: rootRef.current, threshold: THRESHOLDS },
    );
    observerRef.current = observer;
    for (const element of elements.current) observer.observe(element);
    const onVisibilityChange = () => reportInView();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      document.removeEventListener('visibilitychange', onVisibilityChange);
      observer.disconnect();
      observerRef.current = null;
      inView.current.clear();
    };
  }, [rootRef, reportInView]);

  return useCallback((element: HTMLElement | null) => {
    if (element === null) return undefined;
    elements.current.add(element);
    observerRef.current?.observe(element);
    return () => {
      elements.current.delete(element);
      observerRef.current?.unobserve(element);
      const id = element.dataset.id;
      if (id !== undefined) inView.current.delete(id);
    };
  }, []);
}
