// The page's geometry that CSS cannot know: the sticky masthead's height (the top bar
// wraps on narrow screens), which the side panels and scrolling into view keep clear of.

/** Measures the masthead now and whenever its size changes, into the CSS variable --header-h. */
export function trackMastheadHeight(masthead) {
  const apply = () => document.documentElement.style.setProperty('--header-h', `${Math.ceil(masthead.getBoundingClientRect().height)}px`);
  new ResizeObserver(apply).observe(masthead);
  apply();
}
