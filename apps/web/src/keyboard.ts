/**
 * Keyboard access to what the mouse does: timeline items are buttons in the tab
 * order (Enter or Space opens one, arrow keys go to the previous or next item in
 * time, bringing it into view), the timeline itself pans with the arrow keys and
 * zooms with + and -; and a dialog keeps Tab inside itself until it closes,
 * then gives focus back to what opened it.
 */

export interface TimelineKeys {
  /** Item ids in time order. */
  order(): string[];
  open(id: string): void;
  /** Brings an item into view (it may not be drawn before). */
  reveal(id: string): void;
  pan(fraction: number): void;
  zoom(factor: number): void;
}

/** Makes the items vis-timeline draws (with `dataAttributes: ['id']`) focusable buttons, as they are drawn. */
export function keyboardTimeline(container: HTMLElement, keys: TimelineKeys): void {
  container.tabIndex = 0;
  container.setAttribute('role', 'region');
  const label = (item: HTMLElement) => {
    if (item.tabIndex === 0 && item.hasAttribute('aria-label')) return;
    item.tabIndex = 0;
    item.setAttribute('role', 'button');
    const text = item.querySelector('.vis-item-content')?.textContent?.trim() ?? '';
    item.setAttribute('aria-label', text || 'timeline item');
  };
  const mark = () => {
    container.querySelectorAll<HTMLElement>('.vis-item[data-id]').forEach(label);
    // The group labels scroll with the items: reachable by keyboard too.
    container.querySelectorAll<HTMLElement>('.vis-panel.vis-left:not([tabindex])').forEach((panel) => {
      panel.tabIndex = 0;
      panel.setAttribute('role', 'region');
      panel.setAttribute('aria-label', 'Timeline groups');
    });
  };
  new MutationObserver(mark).observe(container, { childList: true, subtree: true });
  mark();

  container.addEventListener('keydown', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('.vis-item[data-id]');
    if (item) {
      const id = item.dataset.id!;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        keys.open(id);
      } else if (['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) {
        event.preventDefault();
        const order = keys.order();
        const at = order.indexOf(id);
        const next =
          event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? order.length - 1
              : at + (event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : -1);
        if (next >= 0 && next < order.length) focusItem(container, keys, order[next]);
      }
      return;
    }
    if (event.target !== container) return;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => keys.pan(-0.2),
      ArrowRight: () => keys.pan(0.2),
      '+': () => keys.zoom(0.5),
      '=': () => keys.zoom(0.5),
      '-': () => keys.zoom(2),
      Enter: () => {
        const first = container.querySelector<HTMLElement>('.vis-item[data-id]');
        if (first) first.focus();
      },
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  });
}

function focusItem(container: HTMLElement, keys: TimelineKeys, id: string): void {
  keys.reveal(id);
  const find = () => container.querySelector<HTMLElement>(`.vis-item[data-id="${CSS.escape(id)}"]`);
  const now = find();
  if (now) {
    now.focus();
    return;
  }
  // vis-timeline draws on the next frame.
  requestAnimationFrame(() => requestAnimationFrame(() => find()?.focus()));
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Keeps Tab and Shift+Tab inside `dialog` until the returned function is called. */
export function trapFocus(dialog: HTMLElement): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => element.offsetParent !== null || element === document.activeElement,
    );
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };
  document.addEventListener('keydown', onKey, true);
  return () => document.removeEventListener('keydown', onKey, true);
}
