// Entities in the page: E links a tagged span to a new entity and, in the other article,
// to the same one (offered as a same-name candidate); the mentions panel shows both and
// opens the other document at its mention; a merge asks first and undoes; the matrix,
// co-occurrence and statistics views; CSV and canonical JSON read back in Python; axe-core
// on each view; screenshots at 1024 and 1440 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, suite, openApp, dragSelect, saved, settled, exportJson } from './harness.mjs';

const env = suite();
const KIM_TITLE = /Kim Jong-un meets Putin in Russia/;
const TITLE_2 = /Russia uses up tons of ammunition/;
const SHOTS = '/tmp/spanmark-shots';
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
];

async function axe(page, what) {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  console.log(`axe on ${what}: ${bad.length} serious/critical, ${minor.length} moderate/minor${minor.length ? `: ${JSON.stringify(minor)}` : ''}`);
  assert.deepEqual(bad, [], `axe on ${what}`);
}

async function tag(page, phrase, key, options = {}) {
  await dragSelect(page, phrase, options);
  await page.keyboard.press(key);
  await settled(page);
}

async function openDoc(page, title) {
  await page.getByRole('button', { name: title }).click();
  await page.waitForSelector('#doc .block.title');
  await settled(page);
}

const status = (page) => page.textContent('#status');

/** The entity table's rows as "name · type · aliases · mentions · documents". */
async function entityRows(page) {
  return page.$$eval('#corpus-panel-entities .entity-table tbody tr', (rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].slice(1).map((c) => c.textContent.trim()).join(' · ')),
  );
}

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), file: await d.path() };
}

test('E links "Kim Jong-un" and "Kim Jong Un" to one entity; mentions, merge and undo, matrix, statistics, CSV and JSON', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;

  // 1. Tag "Kim Jong-un" in the first article; E creates an entity from it.
  await openDoc(page, KIM_TITLE);
  const firstDoc = await page.evaluate(() => document.body.dataset.openedDoc);
  await tag(page, 'Kim Jong-un', '1', { within: '.block.title' });
  await page.keyboard.press('e');
  const linkDialog = page.locator('#entity-link-dialog');
  await linkDialog.waitFor({ state: 'visible' });
  assert.deepEqual(await linkDialog.locator('[role="option"]').allTextContents(), ['Create new entity “Kim Jong-un”']);
  await axe(page, 'the E dialog');
  await page.keyboard.press('Enter');
  await linkDialog.waitFor({ state: 'hidden' });
  assert.match(await status(page), /Linked “Kim Jong-un” to a new entity, “Kim Jong-un”/);
  assert.equal(await page.locator('#annotation-list .entity-badge').first().textContent(), 'Kim Jong-un');

  // 2. "Kim Jong Un" in the second article: E offers the entity as a same-name candidate.
  await openDoc(page, TITLE_2);
  const secondDoc = await page.evaluate(() => document.body.dataset.openedDoc);
  await tag(page, 'Kim Jong Un', '1');
  await page.keyboard.press('e');
  await linkDialog.waitFor({ state: 'visible' });
  const first = linkDialog.locator('[role="option"]').first();
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  assert.match(await first.textContent(), /^Kim Jong-un PERSON · 1 mention.*suggested: same name/);
  await page.keyboard.press('Enter');
  await linkDialog.waitFor({ state: 'hidden' });
  assert.match(await status(page), /Linked “Kim Jong Un” to “Kim Jong-un”/);
  await page.locator('#doc mark.hl.selected').first().click();
  assert.match(await status(page), /Selected PERSON “Kim Jong Un” \(entity “Kim Jong-un”\)/);

  // 3. The entity table and its mentions, across both documents.
  await page.getByRole('button', { name: 'Entities', exact: true }).click();
  const corpus = page.locator('#corpus-dialog');
  await corpus.waitFor({ state: 'visible' });
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON ·  · 2 · 2']);
  await corpus.getByRole('button', { name: 'Kim Jong-un', exact: true }).click();
  const mentions = corpus.locator('.mention-open');
  assert.equal(await mentions.count(), 2);
  const mentionDocs = await mentions.evaluateAll((bs) => bs.map((b) => b.dataset.docId).sort());
  assert.deepEqual(mentionDocs, [firstDoc, secondDoc].sort());
  assert.match(await mentions.first().textContent(), /Kim Jong/);
  await axe(page, 'the entity table with mentions');

  // 4. The mention in the other document opens it there, with the annotation selected.
  await corpus.locator(`.mention-open[data-doc-id="${firstDoc}"]`).click();
  await corpus.waitFor({ state: 'hidden' });
  await page.waitForFunction((id) => document.body.dataset.openedDoc === id, firstDoc);
  assert.match(await status(page), /Selected PERSON “Kim Jong-un” \(entity “Kim Jong-un”\)/);
  assert.equal(await page.locator('#doc .block.title mark.hl.selected').count(), 1);

  // 5. A second entity, "Kim" (occurrence 1: "Putin and Kim outside"), made with E.
  await tag(page, 'Kim', '1', { occurrence: 1 });
  assert.match(await status(page), /Tagged “Kim” as PERSON/);
  await page.keyboard.press('e');
  await linkDialog.waitFor({ state: 'visible' });
  await page.keyboard.type('Kim');
  // Typing filters the registry by name; the last choice makes a new entity of what is typed.
  assert.deepEqual(await linkDialog.locator('[role="option"] .option-name').allTextContents(), ['Kim Jong-un', 'Create new entity “Kim”']);
  await page.keyboard.press('ArrowUp');
  assert.equal(await linkDialog.locator('[role="option"][aria-selected="true"]').getAttribute('data-kind'), 'new');
  await page.keyboard.press('Enter');
  await linkDialog.waitFor({ state: 'hidden' });
  assert.match(await status(page), /Linked “Kim” to a new entity, “Kim”/);

  // A place too, for the label co-occurrence chart.
  await tag(page, 'Pyongyang', '3');

  // 6. Merge the two (the page asks first, saying what joins), then undo it.
  await page.getByRole('button', { name: 'Entities', exact: true }).click();
  await corpus.waitFor({ state: 'visible' });
  assert.equal((await entityRows(page)).length, 2);
  await corpus.getByRole('checkbox', { name: 'Tick Kim Jong-un to merge' }).check();
  await corpus.getByRole('checkbox', { name: 'Tick Kim to merge' }).check();
  await corpus.getByRole('button', { name: 'Merge…' }).click();
  assert.match(await corpus.locator('#merge-summary').textContent(), /“Kim” joins “Kim Jong-un”: its 1 mention move over, “Kim” becomes an alias/);
  await axe(page, 'the merge confirmation');
  await corpus.getByRole('button', { name: 'Merge into Kim Jong-un' }).click();
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON · Kim · 3 · 2']);
  assert.match(await corpus.locator('#corpus-status').textContent(), /Merged “Kim” into “Kim Jong-un”: 1 mention moved/);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('#corpus-panel-entities .entity-table tbody tr').length === 2);
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON ·  · 2 · 2', 'Kim · PERSON ·  · 1 · 1']);
  // Sorting by a column header.
  await corpus.getByRole('button', { name: /^Name/ }).click();
  assert.deepEqual(await entityRows(page), ['Kim · PERSON ·  · 1 · 1', 'Kim Jong-un · PERSON ·  · 2 · 2']);
  assert.equal(await corpus.locator('th[aria-sort="ascending"]').textContent(), 'Name ▲');
  // Filtering by text.
  await corpus.getByLabel('Filter').fill('jong');
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON ·  · 2 · 2']);
  await corpus.getByLabel('Filter').fill('');

  // 7. The matrix and co-occurrence, and the matrix as CSV, read in Python.
  await corpus.getByRole('tab', { name: 'Matrix and co-occurrence' }).click();
  const matrixHead = await corpus.locator('#entity-matrix thead th').allTextContents();
  assert.deepEqual(matrixHead, ['Document', 'Kim Jong-un', 'Kim']);
  assert.equal(await corpus.locator('#entity-matrix tbody tr').count(), 2);
  assert.deepEqual(await corpus.locator('#entity-pairs tbody tr').allTextContents(), ['Kim Jong-unKim1']);
  await axe(page, 'the matrix');
  const csv = await download(page, () => corpus.locator('#corpus-panel-matrix .csv-button[data-csv="matrix"]').click());
  assert.equal(csv.name, 'spanmark-matrix.csv');
  const csvOut = execFileSync('python3', [
    '-c',
    `import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
head = rows[0]
col = head.index("Kim Jong-un")
counts = [int(r[col]) for r in rows[1:]]
assert counts == [1, 1], counts
print(head[0], len(rows) - 1, counts)`,
    csv.file,
  ]);
  assert.equal(String(csvOut).trim(), 'document 2 [1, 1]');

  // 8. The statistics view: four charts, each an image with a name, with their numbers.
  await corpus.getByRole('tab', { name: 'Statistics' }).click();
  const charts = corpus.locator('#corpus-panel-stats svg[role="img"]');
  assert.equal(await charts.count(), 4);
  assert.match(await charts.first().getAttribute('aria-label'), /^Annotations per label: PERSON 3/);
  assert.match(await charts.nth(2).getAttribute('aria-label'), /Kim Jong-un 2, Kim 1/);
  assert.equal(await corpus.locator('#corpus-panel-stats figure table').count(), 4);
  await axe(page, 'the statistics');
  const docsCsv = await download(page, () => corpus.locator('#corpus-panel-stats .csv-button[data-csv="documents"]').click());
  assert.equal(docsCsv.name, 'spanmark-documents.csv');
  await corpus.getByRole('button', { name: 'Close' }).click();
  await corpus.waitFor({ state: 'hidden' });

  // 9. The canonical JSON of the open document carries the registry and the links.
  await page.selectOption('#export-format', 'canonical');
  const { json } = await exportJson(page);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-ent-'));
  const file = path.join(dir, 'export.json');
  writeFileSync(file, JSON.stringify(json));
  const jsonOut = execFileSync('python3', [
    '-c',
    `import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = {e["id"]: e["name"] for e in d["entities"]}
links = sorted((a["text"], names[a["entity"]]) for doc in d["documents"] for a in doc["annotations"] if a.get("entity"))
print(links)`,
    file,
  ]);
  assert.equal(String(jsonOut).trim(), "[('Kim', 'Kim'), ('Kim Jong-un', 'Kim Jong-un')]");
  await saved(page);
  await app.done();
});

test('edit an entity (aliases, a Wikidata identifier, a note), split a mention off, unlink one, remove one; each undoes', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openDoc(page, KIM_TITLE);
  await tag(page, 'Kim Jong-un', '1', { within: '.block.title' });
  await page.keyboard.press('e');
  await page.keyboard.press('Enter');
  // The second mention in this document ("Kim Jong-un waved goodbye"): the same-name candidate, picked with Enter.
  await tag(page, 'Kim Jong-un', '1', { occurrence: 1 });
  await page.keyboard.press('e');
  await page.locator('#entity-link-dialog').waitFor({ state: 'visible' });
  // Esc cancels and links nothing.
  await page.keyboard.press('Escape');
  await page.locator('#entity-link-dialog').waitFor({ state: 'hidden' });
  await page.keyboard.press('e');
  await page.keyboard.press('Enter');
  assert.match(await status(page), /Linked “Kim Jong-un” to “Kim Jong-un”/);

  await page.getByRole('button', { name: 'Entities', exact: true }).click();
  const corpus = page.locator('#corpus-dialog');
  await corpus.getByRole('button', { name: 'Kim Jong-un', exact: true }).click();
  await corpus.locator('.entity-edit summary').click();
  await corpus.getByLabel('Aliases (one a line)').fill('Kim Jong Un\n김정은');
  await corpus.getByLabel(/^Identifiers/).fill('Wikidata:Q56226');
  await corpus.getByLabel('Note').fill('Supreme Leader of North Korea');
  await corpus.getByRole('button', { name: 'Save' }).click();
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON · Kim Jong Un, 김정은 · 2 · 1']);
  const stored = await page.evaluate(async () => {
    const { state } = await import('./state.js');
    return state.core.entities()[0];
  });
  assert.deepEqual(stored.identifiers.map((r) => `${r.resource}:${r.id}`), ['Wikidata:Q56226']);
  assert.equal(stored.note, 'Supreme Leader of North Korea');
  // A bad identifier is refused, saying why.
  assert.equal(await corpus.locator('.entity-edit').evaluate((d) => d.open), true, 'the form stays open');
  await corpus.getByLabel(/^Identifiers/).fill('Q56226');
  await corpus.getByRole('button', { name: 'Save' }).click();
  assert.match(await corpus.locator('#corpus-status').textContent(), /“Q56226” is not an identifier/);

  // Split the second mention off into "Kim Jong-un (train)".
  const ticks = corpus.locator('.mention-tick');
  assert.equal(await ticks.count(), 2);
  await ticks.nth(1).check();
  await corpus.getByLabel('New entity').fill('Kim Jong-un (train)');
  await corpus.getByRole('button', { name: 'Split ticked off' }).click();
  assert.deepEqual((await entityRows(page)).map((r) => r.split(' · ')[0]).sort(), ['Kim Jong-un', 'Kim Jong-un (train)']);
  assert.match(await corpus.locator('#entity-details-title').textContent(), /^Kim Jong-un \(train\)/);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('#corpus-panel-entities .entity-table tbody tr').length === 1);

  // Unlink the first mention; undo links it again.
  await corpus.getByRole('button', { name: 'Kim Jong-un', exact: true }).click();
  await corpus.locator('.mention-tick').first().check();
  await corpus.getByRole('button', { name: 'Unlink ticked' }).click();
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON · Kim Jong Un, 김정은 · 1 · 1']);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelector('#corpus-panel-entities .entity-table tbody td.num')?.textContent === '2');

  // Remove it (asked first): its annotations stay; undo brings it back with its links.
  await corpus.getByRole('button', { name: 'Kim Jong-un', exact: true }).click();
  await corpus.getByRole('button', { name: 'Remove…' }).click();
  assert.match(await corpus.locator('.entity-confirm').textContent(), /Its 2 mentions stay as annotations, unlinked/);
  await corpus.getByRole('button', { name: 'Remove', exact: true }).click();
  assert.equal(await corpus.locator('.entity-table').count(), 0);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('#corpus-panel-entities .entity-table tbody tr').length === 1);
  assert.deepEqual(await entityRows(page), ['Kim Jong-un · PERSON · Kim Jong Un, 김정은 · 2 · 1']);
  // Filtering by an alias, and by type.
  await corpus.getByLabel('Filter').fill('김정은');
  assert.equal((await entityRows(page)).length, 1);
  await corpus.getByLabel('Filter').fill('');
  await corpus.locator('#entity-type-filter').selectOption('PERSON');
  assert.equal((await entityRows(page)).length, 1);
  await corpus.getByRole('button', { name: 'Close' }).click();
  await saved(page);
  await app.done();
});

test('screenshots of the entity table, mentions, matrix and statistics at 1024 and 1440 px', async () => {
  mkdirSync(SHOTS, { recursive: true });
  for (const size of SIZES) {
    const app = await openApp(env.browser, env.server.url);
    const { page } = app;
    await page.setViewportSize(size);
    // A corpus with a few entities and labels, each tagged and linked with E.
    await openDoc(page, KIM_TITLE);
    for (const [phrase, key, opts] of [
      ['Kim Jong-un', '1', { within: '.block.title' }],
      ['Vostochny Cosmodrome', '5', {}],
      ['Vladimir Putin', '1', {}],
      ['Pyongyang', '3', {}],
      ['Sergei Shoigu', '1', {}],
      ['KCNA', '2', {}],
    ]) {
      await tag(page, phrase, key, opts);
      await page.keyboard.press('e');
      await page.locator('#entity-link-dialog').waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await page.locator('#entity-link-dialog').waitFor({ state: 'hidden' });
    }
    await openDoc(page, TITLE_2);
    for (const [phrase, key] of [['Kim Jong Un', '1'], ['Washington, DC', '3'], ['Moscow', '3'], ['Vladimir Putin', '1']]) {
      await tag(page, phrase, key);
      await page.keyboard.press('e');
      await page.locator('#entity-link-dialog').waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await page.locator('#entity-link-dialog').waitFor({ state: 'hidden' });
    }
    await page.keyboard.press('Escape');
    const w = size.width;
    await page.getByRole('button', { name: 'Entities', exact: true }).click();
    const corpus = page.locator('#corpus-dialog');
    await corpus.waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, `entities-table-${w}.png`) });
    await corpus.getByRole('button', { name: 'Kim Jong-un', exact: true }).click();
    await page.screenshot({ path: path.join(SHOTS, `entities-mentions-${w}.png`) });
    await corpus.getByRole('tab', { name: 'Matrix and co-occurrence' }).click();
    await page.screenshot({ path: path.join(SHOTS, `entities-matrix-${w}.png`) });
    await corpus.getByRole('tab', { name: 'Statistics' }).click();
    await page.screenshot({ path: path.join(SHOTS, `statistics-${w}.png`) });
    await page.locator('#corpus-panel-stats figure').nth(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `statistics-scrolled-${w}.png`) });
    await page.locator('#corpus-panel-stats figure').nth(3).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `statistics-heatmap-${w}.png`) });
    await corpus.getByRole('button', { name: 'Close' }).click();
    await page.locator('#doc mark.hl').first().click();
    await page.keyboard.press('e');
    await page.locator('#entity-link-dialog').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, `entity-link-${w}.png`) });
    await page.keyboard.press('Escape');
    await saved(page);
    await app.done();
  }
});
