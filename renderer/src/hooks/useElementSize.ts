import { useEffect, useState, type RefObject } from 'react';

export interface Size {
  width: number;
  height: number;
}

/**
 * The element's content-box size, kept current with a ResizeObserver. The first size comes from
 * the observer's first callback, after the browser's own layout: measuring in the effect forced a
 * layout of the whole new meeting view inside React's commit (175 ms of a join on a busy
 * machine), which held up the join answer waiting behind it.
 */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setSize((old) => {
      const width = element.clientWidth;
      const height = element.clientHeight;
      return old.width === width && old.height === height ? old : { width, height };
    });
    if (typeof ResizeObserver === 'undefined') {
      measure();
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
