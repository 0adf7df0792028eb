/**
 * Counts which React components render, by name, in a page of the built renderer. It
 * stands in for React DevTools' global hook, which react-dom (production build too) calls
 * on every commit with the committed tree: a function component rendered in that commit
 * when its fiber is new or carries React's PerformedWork flag, and a subtree whose child
 * list is the previous commit's was not visited at all (DevTools' own rule). Counts are
 * of renders, not time, so they hold whatever the machine's load.
 */
import type { Page } from 'playwright-core';

// Page code as text: this module is type-checked without DOM types, and bundler helpers
// would not exist in the page. Fiber tags: 0 function, 1 class, 11 forwardRef, 14 memo,
// 15 simple memo; PerformedWork is flag bit 1.
const COUNTER = `(() => {
  const counts = new Map();
  const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
  const nameOf = (type) => {
    if (!type) return null;
    if (typeof type === 'function') return type.displayName || type.name || null;
    return nameOf(type.render) || nameOf(type.type);
  };
  const visit = (root) => {
    const stack = [root];
    for (let seen = 0; stack.length && seen < 1000000; seen += 1) {
      const fiber = stack.pop();
      const previous = fiber.alternate;
      if (COMPONENT_TAGS.has(fiber.tag) && (previous === null || (fiber.flags & 1) === 1)) {
        const name = nameOf(fiber.type) || 'anonymous';
        counts.set(name, (counts.get(name) || 0) + 1);
      }
      if (previous === null || fiber.child !== previous.child) for (let child = fiber.child; child; child = child.sibling) stack.push(child);
    }
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_id, root) => visit(root.current),
  };
  window.__renderCounts = { take: () => { const out = Object.fromEntries(counts); counts.clear(); return out; } };
})()`;

/** Installs the counter for every document the page loads next (call before `goto`). */
export async function countRenders(page: Page): Promise<void> {
  await page.addInitScript(COUNTER);
}

/** Renders per component name since the last call, and starts counting afresh. */
export async function takeRenders(page: Page): Promise<Record<string, number>> {
  return (await page.evaluate('window.__renderCounts ? window.__renderCounts.take() : {}')) as Record<string, number>;
}
