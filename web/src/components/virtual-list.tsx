import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

interface VirtualListProps {
  /** How many rows there are in all. */
  count: number;
  /** Every row has this height in CSS pixels (fixed heights keep the arithmetic exact and cheap). */
  rowHeight: number;
  /** Rows rendered above and below the viewport, so keyboard focus and fast scrolling find them ready. */
  overscan?: number;
  /** Rows inserted at the top since the last render: the view keeps its place when scrolled down. */
  insertedAbove?: number;
  label: string;
  renderRow: (index: number) => ComponentChildren;
}

/**
 * A list that renders only the rows in view. With fixed row heights the window is two divisions, which
 * is why this is not a library: thousands of rows cost the DOM of a screenful.
 */
export function VirtualList({ count, rowHeight, overscan = 8, insertedAbove = 0, label, renderRow }: VirtualListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (element && insertedAbove > 0 && element.scrollTop > 0) element.scrollTop += insertedAbove * rowHeight;
  }, [insertedAbove, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ComponentChildren[] = [];
  for (let index = first; index < last; index += 1) {
    rows.push(
      <li
        key={index}
        class="virtual-row"
        style={{ transform: `translateY(${index * rowHeight}px)`, height: `${rowHeight}px` }}
        aria-posinset={index + 1}
        aria-setsize={count}
      >
        {renderRow(index)}
      </li>,
    );
  }
  return (
    <div class="virtual-viewport" ref={viewport} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul class="virtual-list" aria-label={label} style={{ height: `${count * rowHeight}px` }}>
        {rows}
      </ul>
    </div>
  );
}
