// The page's geometry that CSS cannot know: the sticky masthead's height (the top bar
// wraps on narrow screens), which the side panels and scrolling into view keep clear of;
// and when to draw what can wait for the frame after an edit.

/**
 * A function that runs `fn` once after the next paint, however often it is called until
 * then: an edit or a selection shows first, and a list that follows it is drawn after.
 */
export function afterPaint(fn) {
  let waiting = false;
  return () => {
    if (waiting) return;
    waiting = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        waiting = false;
        fn();
      }),
    );
  };
}

/** Measures the masthead now and whenever its size changes, into the CSS variable --header-h. */
export function trackMastheadHeight(masthead) {
  const apply = () => document.documentElement.style.setProperty('--header-h', `${Math.ceil(masthead.getBoundingClientRect().height)}px`);
  new ResizeObserver(apply).observe(masthead);
  apply();
}
