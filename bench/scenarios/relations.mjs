// make bench: 10,000 relations on the 100,000-annotation article (issue "Relations"),
// beside the same article without relations.

import path from 'node:path';
import { DATA, RELATIONS, RELATIONS_ON } from '../generate.mjs';
import { EDITS, highlightsDrawn, ms, openSpanmark, openedMs, pct, scrollLongestFrame } from '../lib.mjs';

export const title = 'Relations';

/**
 * Opens `file`, shows every relation near the screen (mode "all") and scrolls top to
 * bottom: the time to open and the longest scrolled frame. Returns the page for more.
 */
async function openAndScroll(browser, url, file) {
  const opened = await openSpanmark(browser, url, file);
  const { page } = opened;
  const openMs = await openedMs(page);
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 180_000 });
  await page.locator('#relations-section > summary').click();
  await page.locator('input[name="relation-mode"][value="all"]').check();
  const longestFrameMs = await page.evaluate(scrollLongestFrame);
  const arcsDrawn = await page.evaluate(() => Number(document.querySelector('.arcs')?.dataset.drawn ?? 0));
  return { ...opened, openMs, longestFrameMs, arcsDrawn };
}

/**
 * Adds `count` relations LINKED between two annotations on screen, as the relation button
 * does (startLink with the type, then finishLink at the target): each from the start to
 * the next paint, the core's check and the arcs and list redrawn. Throws when a link does
 * not go through (a type chooser asking, or the type unknown to the page), rather than
 * waiting on a dialog no one answers.
 */
async function addRelations(page, count) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await highlightsDrawn(page);
  return page.evaluate(async (count) => {
    const { state } = await import('./state.js');
    const { selectAnnotation } = await import('./commands.js');
    const { startLink, finishLink, relationTypesList } = await import('./relations.js');
    if (!relationTypesList().some((t) => t.id === 'LINKED')) throw new Error(`the page lacks relation type LINKED (it has ${relationTypesList().map((t) => t.id).join(', ')})`);
    const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    const visible = [...document.querySelectorAll('#doc mark.hl[role="button"]')].filter((m) => {
      const r = m.getBoundingClientRect();
      return r.top > 150 && r.bottom < window.innerHeight - 50;
    });
    const relations = () => state.core.relations(state.openDocId).length;
    const before = relations();
    const times = [];
    for (let k = 0; k + 1 < visible.length && times.length < count; k += 2) {
      selectAnnotation(visible[k].startIds[0]);
      const t0 = performance.now();
      startLink('LINKED');
      const done = finishLink(visible[k + 1].startIds[0]);
      const asked = document.querySelector('dialog[open]');
      if (asked) throw new Error(`linking opened a dialog: ${asked.textContent.trim().slice(0, 200)}`);
      await done;
      await painted();
      times.push(performance.now() - t0);
    }
    if (times.length < count) throw new Error(`only ${visible.length} highlights on screen: ${times.length} of ${count} relations added`);
    if (relations() !== before + times.length) throw new Error(`${times.length} links made, but ${relations() - before} relations added: ${document.getElementById('status').textContent}`);
    return times;
  }, count);
}

/**
 * The 100,000-annotation article with 10,000 relations, and without: open, the longest
 * frame scrolling with every arc near the screen drawn (mode "all"), and (with relations)
 * adding a relation between two annotations on screen.
 */
export async function run(browser, url) {
  const plain = await openAndScroll(browser, url, path.join(DATA, `spanmark-${RELATIONS_ON}.json`));
  await plain.context.close();
  plain.check();
  const linked = await openAndScroll(browser, url, path.join(DATA, `spanmark-${RELATIONS_ON}-relations.json`));
  const add = await addRelations(linked.page, EDITS);
  await linked.context.close();
  linked.check();
  return {
    annotations: RELATIONS_ON,
    relations: RELATIONS,
    without: { openMs: plain.openMs, longestFrameMs: plain.longestFrameMs },
    with: { openMs: linked.openMs, longestFrameMs: linked.longestFrameMs, arcsDrawn: linked.arcsDrawn },
    addRelation: { p50: pct(add, 50), p95: pct(add, 95), max: Math.max(...add), samples: add.length },
  };
}

export function markdown(r) {
  const n = (v) => v.toLocaleString('en');
  return [`**${title}** (${n(r.annotations)} annotations; relation mode "all": every arc near the screen drawn):`, '',
    '| file | open | longest scroll frame | arcs drawn at the end | add relation → paint p50 / p95 |', '| --- | ---: | ---: | ---: | ---: |',
    `| without relations | ${ms(r.without.openMs)} | ${ms(r.without.longestFrameMs)} | – | – |`,
    `| with ${n(r.relations)} relations | ${ms(r.with.openMs)} | ${ms(r.with.longestFrameMs)} | ${r.with.arcsDrawn} | ${ms(r.addRelation.p50)} / ${ms(r.addRelation.p95)} (${r.addRelation.samples} adds) |`,
    '',
    'Add relation: from the relation button’s startLink to the paint after finishLink (the core’s check, the arcs and the relation list redrawn), between two annotations on screen.'].join('\n');
}
