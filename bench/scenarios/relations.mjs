// make bench: 10,000 relations on the 100,000-annotation article (issue "Relations").

import path from 'node:path';
import { DATA, RELATIONS_ON } from '../generate.mjs';
import { EDITS, pct, scrollLongestFrame } from '../lib.mjs';

export const title = 'Relations';

/**
 * The 100,000-annotation article with 10,000 relations: open, the longest frame scrolling
 * with every arc near the screen drawn (mode "all"), and adding a relation (the core's
 * check and the arcs redrawn, to the next paint) between two annotations on screen.
 */
export async function run(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A page in the background gets no animation frames: the measurements would wait forever.
  await page.bringToFront();
  await page.goto(`${url}www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#import-input', path.join(DATA, `spanmark-${RELATIONS_ON}-relations.json`));
  await page.waitForSelector('body[data-opened-doc="bench"]', { timeout: 180_000 });
  const openMs = await page.evaluate(() => {
    const last = (name) => performance.getEntriesByName(name).at(-1);
    return last('spanmark:opened').startTime - last('spanmark:load:start').startTime;
  });
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 180_000 });
  await page.locator('#relations-section > summary').click();
  await page.locator('input[name="relation-mode"][value="all"]').check();
  const longestFrameMs = await page.evaluate(scrollLongestFrame);
  const drawn = await page.evaluate(() => Number(document.querySelector('.arcs')?.dataset.drawn ?? 0));
  const add = await page.evaluate(async (count) => {
    const { state } = await import('./state.js');
    const { selectAnnotation } = await import('./commands.js');
    const { startLink, finishLink } = await import('./relations.js');
    const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    await painted();
    const visible = [...document.querySelectorAll('#doc mark.hl[role="button"]')].filter((m) => {
      const r = m.getBoundingClientRect();
      return r.top > 150 && r.bottom < window.innerHeight - 50;
    });
    const times = [];
    for (let k = 0; k + 1 < visible.length && times.length < count; k += 2) {
      const from = visible[k].startIds[0];
      const to = visible[k + 1].startIds[0];
      selectAnnotation(from);
      const t0 = performance.now();
      startLink('LINKED');
      await finishLink(to);
      await painted();
      times.push(performance.now() - t0);
    }
    return times;
  }, EDITS);
  await context.close();
  if (errors.length) throw new Error(`Spanmark page errors: ${errors.join('; ')}`);
  return { openMs, longestFrameMs, arcsDrawn: drawn, addRelation: { p50: pct(add, 50), p95: pct(add, 95), samples: add.length } };
}

export function markdown(r) {
  const f = (v) => (v === undefined || v === null ? '–' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
  return [`**${title}** (100,000 annotations, 10,000 relations, every arc near the screen drawn):`, '',
    '| open | longest scroll frame | arcs drawn | add relation → paint p50 / p95 |', '| ---: | ---: | ---: | ---: |',
    `| ${f(r.openMs)} | ${f(r.longestFrameMs)} | ${r.arcsDrawn} | ${f(r.addRelation.p50)} / ${f(r.addRelation.p95)} |`].join('\n');
}
