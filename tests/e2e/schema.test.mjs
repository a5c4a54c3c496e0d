// The schema editor, the details panel and the help overlay, in a real browser, by mouse
// and by keyboard only: labels, relation types and attributes added, recoloured,
// re-hotkeyed and removed (each one undoable step, refusals quoted in the dialog); the
// selected annotation's note and attributes edited in place, kept over a reload, undone;
// relations listed, retyped, followed and removed from the panel; a read-only tab that
// cannot edit them; `?` lists the keys; axe-core on the open dialog and the panel;
// screenshots at 1024 and 1440 pixels.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, openApp, newContext, dragSelect, annotationList, settled, saved, axe } from './harness.mjs';

const env = suite();
const TITLE_1 = /Kim Jong-un meets Putin in Russia/;
const SHOTS = '/tmp/spanmark-shots';
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
];

async function openFirst(page) {
  await page.getByRole('button', { name: TITLE_1 }).click();
  await page.waitForSelector('#doc .block.title');
  await settled(page);
}

/** The element with the keyboard focus: its data-key, id, tag and accessible name. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { key: el?.dataset?.key ?? null, id: el?.id ?? '', tag: el?.tagName, name: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '' };
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focus is on the control matching `want`
 * (a data-key, or a predicate on `focused`); fails if it never gets there.
 */
async function tabTo(page, want, { back = false, max = 400 } = {}) {
  const match = typeof want === 'string' ? (f) => f.key === want : want;
  for (let i = 0; i < max; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`Tab never reached ${typeof want === 'string' ? want : want.toString()}`);
}

/** Tabs to the field `key`, types the first text, then Tab and the next, and so on. */
async function typeFields(page, key, texts) {
  await tabTo(page, key);
  for (const [i, text] of texts.entries()) {
    if (i) await page.keyboard.press('Tab');
    await page.keyboard.type(text);
  }
}

/** Replaces a focused text field's value by typing, as a person would. */
async function typeOver(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

const schemaRow = (page, id) => page.locator(`#schema-body [data-id="${id}"]`).first();
const markFill = (page, text) =>
  page.evaluate((text) => {
    const m = [...document.querySelectorAll('#doc mark.hl')].find((x) => x.textContent === text);
    return m ? m.style.getPropertyValue('--fill') : null;
  }, text);

// ---- By mouse ------------------------------------------------------------------------------

test('by mouse: add a label, recolour it, give it a hotkey, tag with it, undo a recolour; PERSON in use is not removed, with the count and the reason; a relation type and an attribute added', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openFirst(page);
  await dragSelect(page, 'Kim Jong-un', { within: '.block.title' });
  await page.getByRole('button', { name: '1 PERSON', exact: true }).click();
  await page.getByRole('button', { name: 'Schema…' }).click();
  const dialog = page.locator('#schema-dialog');
  await dialog.waitFor({ state: 'visible' });

  // Add a label.
  await page.getByLabel('Id of the new label').fill('VESSEL');
  await page.getByLabel('Name of the new label').fill('Vessel or ship');
  await page.getByRole('button', { name: 'Add label' }).click();
  await page.waitForSelector('#schema-body [data-id="VESSEL"]');
  assert.match(await page.textContent('#schema-status'), /Added label VESSEL/);
  assert.equal(await page.getByRole('button', { name: 'VESSEL', exact: true }).count(), 1, 'the palette has it');

  // Recolour it with the picker: the chip shows the core's contrast-fixed text colour.
  await page.getByLabel('Colour of VESSEL', { exact: true }).fill('#f2d64b');
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes('Recoloured VESSEL to #f2d64b'));
  const chip = await schemaRow(page, 'VESSEL').locator('.schema-chip').evaluate((c) => [getComputedStyle(c).backgroundColor, getComputedStyle(c).color]);
  assert.deepEqual(chip, ['rgb(242, 214, 75)', 'rgb(0, 0, 0)'], 'a light colour gets black text');
  assert.equal(await page.getByLabel('Colour of VESSEL as hex (#rrggbb)').inputValue(), '#f2d64b');

  // A hotkey: typed, and committed when the field is left (a click elsewhere).
  await page.getByLabel('Hotkey of VESSEL').fill('v');
  await page.locator('#schema-title').click();
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes("VESSEL's hotkey is now v"));
  // A hotkey the page keeps for itself is refused, quoting the core; nothing changes.
  await page.getByLabel('Hotkey of ORG').fill('r');
  await page.locator('#schema-title').click();
  await page.waitForSelector('#schema-error:not([hidden])');
  assert.match(await page.textContent('#schema-error'), /^ORG was not changed: “"r" runs a command of Spanmark's .*”\. Nothing changed\.$/);
  assert.equal(await page.getByLabel('Hotkey of ORG').inputValue(), '2');

  await page.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByRole('button', { name: 'v VESSEL', exact: true }).count(), 1);

  // Tag with it.
  await dragSelect(page, 'Pyongyang');
  await page.getByRole('button', { name: 'v VESSEL', exact: true }).click();
  assert.ok((await annotationList(page)).includes('VESSEL Pyongyang'));
  assert.equal(await markFill(page, 'Pyongyang'), '#f2d64b');

  // Recolour it again (the highlight follows), then undo the recolour (in the dialog).
  await page.getByRole('button', { name: 'Schema…' }).click();
  await page.getByLabel('Colour of VESSEL as hex (#rrggbb)').fill('#1d5c8a');
  await page.locator('#schema-title').click();
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes('Recoloured VESSEL to #1d5c8a'));
  assert.equal(await markFill(page, 'Pyongyang'), '#1d5c8a');
  assert.match(await page.locator('#palette [data-label="VESSEL"]').getAttribute('style'), /#1d5c8a/);
  await page.locator('#schema-undo').click();
  await page.waitForFunction(() => document.querySelector('[data-key="label:VESSEL:hex"]')?.value === '#f2d64b');
  assert.match(await page.textContent('#schema-status'), /Undid: Edit label VESSEL/);
  assert.equal(await markFill(page, 'Pyongyang'), '#f2d64b');

  // Remove PERSON: the dialog says how many annotations have it and asks; the core refuses, and says why.
  await schemaRow(page, 'PERSON').getByRole('button', { name: 'Remove PERSON' }).click();
  const confirm = page.locator('.schema-confirm');
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /1 annotation in all documents has the label PERSON\. Removing PERSON removes it too/);
  assert.match(await confirm.textContent(), /Named by relation types MEETS, LOCATED_IN, SUPPLIES, MEMBER_OF and attribute role/);
  await confirm.getByRole('button', { name: 'Remove PERSON' }).click();
  await page.waitForSelector('#schema-error:not([hidden])');
  assert.equal(await page.textContent('#schema-error'), 'PERSON was not removed: “label "PERSON" is still used by 5 relation types or attributes”. Nothing changed.');
  assert.ok((await annotationList(page)).includes('PERSON Kim Jong-un'), 'nothing was removed');

  // Removing the unused VESSEL's hotkey… and VESSEL itself after its annotation: the count is 1, and it goes.
  await schemaRow(page, 'VESSEL').getByRole('button', { name: 'Remove VESSEL' }).click();
  assert.match(await confirm.textContent(), /1 annotation in all documents has the label VESSEL/);
  await confirm.getByRole('button', { name: 'Keep VESSEL' }).click();
  assert.equal(await confirm.count(), 0);

  // A relation type with argument constraints: PERSON → GPE or LOC, directed.
  const rtForm = page.locator('form[aria-labelledby="schema-add-relationType-title"]');
  await page.getByLabel('Id of the new relation type').fill('VISITS');
  await page.getByLabel('Name of the new relation type').fill('visits');
  await rtForm.locator('fieldset').nth(0).getByLabel('PERSON').check();
  await rtForm.locator('fieldset').nth(1).getByLabel('GPE').check();
  await rtForm.locator('fieldset').nth(1).getByLabel('LOC').check();
  await page.getByRole('button', { name: 'Add relation type' }).click();
  await page.waitForSelector('#schema-body [data-id="VISITS"]');
  const visits = schemaRow(page, 'VISITS');
  const ticked = (n) => visits.locator('fieldset').nth(n).evaluate((f) => [...f.querySelectorAll('input:checked')].map((i) => i.parentElement.textContent.trim()));
  assert.deepEqual(await ticked(0), ['PERSON']);
  assert.deepEqual(await ticked(1), ['GPE', 'LOC']);
  assert.equal(await visits.getByLabel('Directed').isChecked(), true);

  // An attribute: one of a list, for PERSON and the new relation type.
  const attrForm = page.locator('form[aria-labelledby="schema-add-attribute-title"]');
  await page.getByLabel('Id of the new attribute').fill('source');
  await page.getByLabel('Name of the new attribute').fill('Source');
  await page.getByLabel('Kind of the new attribute').selectOption('oneOf');
  await page.getByLabel('Values of the new attribute, separated by commas').fill('AFP, AP, Reuters');
  await attrForm.getByLabel('PERSON', { exact: true }).check();
  await attrForm.getByLabel('VISITS (relation)').check();
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.waitForSelector('#schema-body [data-id="source"]');
  assert.equal(await page.getByLabel('Values of source, separated by commas').inputValue(), 'AFP, AP, Reuters');
  // A choice with no values is refused by the core, quoted.
  await page.getByLabel('Values of source, separated by commas').fill('');
  await page.locator('#schema-title').click();
  await page.waitForSelector('#schema-error:not([hidden])');
  assert.match(await page.textContent('#schema-error'), /source was not changed: “attribute "source" is a choice with no values”/);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await saved(page);
  await app.done();
});

test('by mouse: the details of a tagged "Kim Jong-un": a note and an attribute, back after a reload, then undone', async () => {
  const context = await newContext(env.browser);
  const first = await openApp(env.browser, env.server.url, { context });
  let page = first.page;
  await openFirst(page);
  await dragSelect(page, 'Kim Jong-un', { within: '.block.title' });
  await page.keyboard.press('1');
  const panel = page.locator('#details-panel');
  await panel.waitFor({ state: 'visible' });
  assert.equal(await panel.locator('.details-quote').textContent(), 'Kim Jong-un');
  assert.equal(await page.getByLabel('Label', { exact: true }).inputValue(), 'PERSON');
  // The note is saved when the field is left: one step, not one per keystroke.
  await page.getByLabel('Note', { exact: true }).click();
  await page.keyboard.type('Leader of North Korea; arrived by armoured train.');
  assert.doesNotMatch((await page.getAttribute('#undo', 'title')) ?? '', /Note/);
  await page.getByLabel('Role').focus();
  await page.waitForFunction(() => document.getElementById('undo').title.includes('Note'));
  await page.getByLabel('Role').selectOption('head of state');
  await page.waitForFunction(() => document.getElementById('undo').title.includes('role = head of state'));
  await page.getByLabel('Uncertain').check();
  await page.waitForFunction(() => document.getElementById('undo').title.includes('uncertain = true'));
  assert.match(await annotationList(page).then((l) => l.join('|')), /PERSON Kim Jong-un/);
  assert.equal(await page.locator('#annotation-list .annotation-button .badge', { hasText: 'note' }).count(), 1, 'the list shows the note');
  await saved(page);
  await first.done();

  // A reload brings them back.
  const app = await openApp(env.browser, env.server.url, { context });
  page = app.page;
  await page.waitForSelector('#doc .block.title');
  await settled(page);
  await page.locator('#annotation-list .annotation-button', { hasText: 'Kim Jong-un' }).click();
  await page.locator('#details-panel').waitFor({ state: 'visible' });
  assert.equal(await page.getByLabel('Note', { exact: true }).inputValue(), 'Leader of North Korea; arrived by armoured train.');
  assert.equal(await page.getByLabel('Role').inputValue(), 'head of state');
  assert.equal(await page.getByLabel('Uncertain').isChecked(), true);
  // Undo (the top bar's button), step by step; the panel follows and keeps the annotation.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !document.querySelector('#details-body [data-key="attr:uncertain"]')?.checked);
  assert.equal(await page.getByLabel('Role').inputValue(), 'head of state');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => document.querySelector('#details-body [data-key="attr:role"]')?.value === '');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => document.querySelector('#details-body [data-key="note"]')?.value === '');
  assert.match(await page.textContent('#status'), /Undid: Note/);
  // Relabel from the panel, through the same path as a hotkey.
  await page.getByLabel('Label', { exact: true }).selectOption('ORG');
  await page.waitForFunction(() => document.querySelector('#details-body .details-what .chip')?.textContent === 'ORG');
  assert.ok((await annotationList(page)).includes('ORG Kim Jong-un'));
  // The Role attribute (PERSON only) is not offered to an ORG.
  assert.equal(await page.getByLabel('Role').count(), 0);
  await page.keyboard.press('Escape');
  await saved(page);
  await app.done();
  await context.close();
});

// ---- Relations in the panel (imported here; relations.test.mjs links them by mouse and keyboard) ----

const RELATED = {
  format: 'spanmark',
  version: 1,
  offsetUnit: 'codepoint',
  documents: [
    {
      id: 'meeting',
      name: 'meeting.txt',
      text: 'Kim Jong-un met Vladimir Putin at the Vostochny Cosmodrome in Russia.\n',
      annotations: [
        { id: 'a1', start: 0, end: 11, text: 'Kim Jong-un', label: 'PERSON' },
        { id: 'a2', start: 16, end: 30, text: 'Vladimir Putin', label: 'PERSON' },
        { id: 'a3', start: 38, end: 58, text: 'Vostochny Cosmodrome', label: 'FAC' },
        { id: 'a4', start: 62, end: 68, text: 'Russia', label: 'GPE' },
      ],
      relations: [
        { id: 'r1', type: 'MEETS', from: 'a1', to: 'a2', note: 'First meeting since 2019' },
        { id: 'r2', type: 'LOCATED_IN', from: 'a3', to: 'a4' },
        { id: 'r3', type: 'LOCATED_IN', from: 'a1', to: 'a4' },
      ],
    },
  ],
};

test('the panel lists an annotation\'s relations: the other end (a click goes there), the type (a select), remove; undo brings it back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-rel-'));
  const file = path.join(dir, 'meeting.json');
  writeFileSync(file, JSON.stringify(RELATED));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', file);
  await page.waitForSelector('#doc .block');
  await settled(page);
  await page.locator('#annotation-list .annotation-button', { hasText: 'Kim Jong-un' }).click();
  const rels = page.locator('#details-body .details-relation');
  await rels.first().waitFor();
  assert.equal(await page.textContent('#details-relations-heading'), 'Relations (2)');
  const rows = await rels.evaluateAll((ls) => ls.map((l) => [l.querySelector('select').value, l.querySelector('.details-arrow').textContent, l.querySelector('.details-end').textContent]));
  assert.deepEqual(rows.sort(), [
    ['LOCATED_IN', '→', 'GPE “Russia”'],
    ['MEETS', '↔', 'PERSON “Vladimir Putin”'],
  ]);
  // A click on the other end goes there: its details, with the relation seen from its side.
  await page.getByRole('button', { name: 'PERSON “Vladimir Putin”' }).click();
  await page.waitForFunction(() => document.querySelector('#details-body .details-quote')?.textContent === 'Vladimir Putin');
  assert.equal(await page.$eval('#doc mark.hl.selected', (m) => m.textContent), 'Vladimir Putin');
  await page.getByRole('button', { name: 'PERSON “Kim Jong-un”' }).waitFor();
  // The type, changed in place; a type whose arguments do not fit is refused, quoting the core.
  await page.getByLabel('Type of the relation with “Kim Jong-un”').selectOption('SUPPLIES');
  await page.waitForFunction(() => document.getElementById('undo').title.includes('SUPPLIES'));
  assert.equal(await page.getByLabel('Type of the relation with “Kim Jong-un”').inputValue(), 'SUPPLIES');
  await page.getByLabel('Type of the relation with “Kim Jong-un”').selectOption('LOCATED_IN');
  await page.waitForSelector('#details-body .details-error:not([hidden])');
  assert.match(await page.textContent('#details-body .details-error'), /^The relation stays SUPPLIES: “LOCATED_IN links .*”\. Nothing changed\.$/);
  assert.equal(await page.getByLabel('Type of the relation with “Kim Jong-un”').inputValue(), 'SUPPLIES');
  // Remove it; undo brings it back, and the panel follows.
  await page.getByRole('button', { name: 'Remove the relation SUPPLIES with “Kim Jong-un”' }).click();
  await page.waitForFunction(() => document.getElementById('details-relations-heading')?.textContent === 'Relations (0)');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.getElementById('details-relations-heading')?.textContent === 'Relations (1)');
  assert.equal(await page.$eval('#doc mark.hl.selected', (m) => m.textContent), 'Vladimir Putin', 'the undo keeps the annotation selected');

  // A relation selected in the relation list shows in the panel: its type, ends, note and attributes.
  await page.locator('#relations-section summary').click();
  await page.locator('#relation-list .relation-row', { hasText: 'SUPPLIES' }).click();
  await page.waitForFunction(() => document.querySelector('#details-body .details-what')?.textContent === 'Relation');
  assert.equal(await page.getByLabel('Type', { exact: true }).inputValue(), 'SUPPLIES');
  assert.deepEqual(await page.$$eval('#details-body .details-ends > *', (es) => es.map((e) => e.textContent)), ['From', 'PERSON “Kim Jong-un”', 'To', 'PERSON “Vladimir Putin”']);
  assert.equal(await page.getByLabel('Note', { exact: true }).inputValue(), 'First meeting since 2019');
  await page.getByLabel('Note', { exact: true }).fill('Second meeting; the first was in 2019.');
  await page.getByLabel('Uncertain').check();
  await page.waitForFunction(() => document.getElementById('undo').title.includes('uncertain = true'));
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !document.querySelector('#details-body [data-key="attr:uncertain"]')?.checked);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.getElementById('details-note')?.value === 'First meeting since 2019');
  // Esc goes back to the highlight of its first end.
  await page.getByLabel('Type', { exact: true }).focus();
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'PERSON: Kim Jong-un');
  await saved(page);
  await app.done();
});

// ---- A read-only tab ---------------------------------------------------------------------------

test('a read-only tab shows the details and the schema but cannot change them; it can once it is the writer', async () => {
  const context = await newContext(env.browser);
  const a = await openApp(env.browser, env.server.url, { context });
  await openFirst(a.page);
  await dragSelect(a.page, 'Kim Jong-un', { within: '.block.title' });
  await a.page.keyboard.press('1');
  await saved(a.page);
  const b = await openApp(env.browser, env.server.url, { context });
  const page = b.page;
  assert.equal(await page.getAttribute('body', 'data-role'), 'reader');
  await page.waitForSelector('#doc mark.hl');
  await settled(page);
  await page.locator('#annotation-list .annotation-button', { hasText: 'Kim Jong-un' }).click();
  await page.locator('#details-panel').waitFor({ state: 'visible' });
  const disabled = () => page.$$eval('#details-body select, #details-body textarea, #details-body input', (cs) => cs.map((c) => c.disabled));
  assert.ok((await disabled()).every(Boolean), 'the details cannot be edited');
  await page.getByRole('button', { name: 'Schema…' }).click();
  assert.ok(await page.$$eval('#schema-body input, #schema-body select, #schema-body button', (cs) => cs.every((c) => c.disabled)), 'the schema cannot be edited');
  assert.equal(await page.isDisabled('#schema-undo'), true);
  await page.getByRole('button', { name: 'Done' }).click();
  // The writer closes: this tab takes over, and the panel's controls come alive.
  await a.done();
  await page.waitForSelector('body[data-role="writer"]');
  await page.waitForFunction(() => !document.getElementById('details-label')?.disabled);
  assert.ok((await disabled()).every((d) => !d));
  await saved(page);
  await b.done();
  await context.close();
});

// ---- By keyboard only ------------------------------------------------------------------------

test('keyboard only: the schema editor (add, recolour, re-hotkey, Ctrl+Z, remove asked and refused, a relation type, an attribute), tagging with the new hotkey, the details panel (Enter in, Esc out), a reload, undo, and ? for help', async () => {
  const context = await newContext(env.browser);
  // Setup by mouse: two annotations to work on by keyboard (a span is made with the mouse; the caret is another part's).
  const setup = await openApp(env.browser, env.server.url, { context });
  await openFirst(setup.page);
  await dragSelect(setup.page, 'Kim Jong-un', { within: '.block.title' });
  await setup.page.keyboard.press('1');
  await dragSelect(setup.page, 'Pyongyang');
  await setup.page.keyboard.press('3');
  await saved(setup.page);
  await setup.done();

  let app = await openApp(env.browser, env.server.url, { context });
  let page = app.page;
  await page.waitForSelector('body[data-role="writer"]');
  await settled(page);
  // The schema editor: Tab to its button, Enter.
  await tabTo(page, (f) => f.id === 'schema-open');
  await page.keyboard.press('Enter');
  await page.locator('#schema-dialog').waitFor({ state: 'visible' });
  assert.equal((await focused(page)).key, 'label:PERSON:name', 'the focus starts in the dialog');

  // Add a label, with its colour and hotkey, from the "New label" form (Enter submits it).
  await typeFields(page, 'add-label:id', ['SHIP', 'Ship']);
  await tabTo(page, 'add-label:hex');
  await typeOver(page, '#2f5f2f');
  await page.keyboard.press('Tab');
  await page.keyboard.type('k');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#schema-body [data-id="SHIP"]');
  assert.match(await page.textContent('#schema-status'), /Added label SHIP/);
  assert.equal((await focused(page)).key, 'add-label:hotkey', 'the focus stays where it was');

  // Recolour it: the hex, committed by Tab; the focus moves on to the hotkey as usual.
  await tabTo(page, 'label:SHIP:hex', { back: true });
  await typeOver(page, '#8a3b12');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes('Recoloured SHIP to #8a3b12'));
  assert.equal((await focused(page)).key, 'label:SHIP:hotkey');
  // Re-hotkey it: j.
  await typeOver(page, 'j');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes("SHIP's hotkey is now j"));
  assert.equal((await focused(page)).key, 'label:SHIP:remove');
  // Ctrl+Z in the dialog (outside a text field) undoes the hotkey; Ctrl+Y redoes it.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelector('[data-key="label:SHIP:hotkey"]')?.value === 'k');
  await page.keyboard.press('Control+y');
  await page.waitForFunction(() => document.querySelector('[data-key="label:SHIP:hotkey"]')?.value === 'j');

  // Remove PERSON: asked inside the dialog (Esc leaves the question, not the dialog), then refused with the reason.
  await tabTo(page, 'label:PERSON:remove', { back: true });
  await page.keyboard.press('Enter');
  await page.locator('.schema-confirm').waitFor();
  assert.equal((await focused(page)).key, 'confirm-keep');
  assert.match(await page.textContent('.schema-confirm'), /1 annotation in all documents has the label PERSON/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('.schema-confirm', { state: 'detached' });
  assert.ok(await page.locator('#schema-dialog').isVisible(), 'Esc left the question, not the dialog');
  assert.equal((await focused(page)).key, 'label:PERSON:remove');
  await page.keyboard.press('Enter');
  await page.locator('.schema-confirm').waitFor();
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).key, 'confirm-remove');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#schema-error:not([hidden])');
  assert.match(await page.textContent('#schema-error'), /PERSON was not removed: “label "PERSON" is still used by 5 relation types or attributes”/);
  assert.equal((await focused(page)).key, 'label:PERSON:remove', 'the focus is back on the Remove button');

  // A relation type: SAILS_TO, SHIP → GPE or LOC.
  await typeFields(page, 'add-relationType:id', ['SAILS_TO', 'sails to']);
  await tabTo(page, 'add-relationType:from:SHIP');
  await page.keyboard.press('Space');
  await tabTo(page, 'add-relationType:to:GPE');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await tabTo(page, 'add-relationType:submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#schema-body [data-id="SAILS_TO"]');
  const sails = await page.$eval('#schema-body [data-id="SAILS_TO"]', (card) => [...card.querySelectorAll('fieldset')].map((f) => [...f.querySelectorAll('input:checked')].map((i) => i.dataset.key.split(':').pop())));
  assert.deepEqual(sails, [['SHIP'], ['GPE', 'LOC']]);

  // An attribute: free text, for SHIP.
  await typeFields(page, 'add-attribute:id', ['flag', 'Flag state']);
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).key, 'add-attribute:kind');
  await page.keyboard.type('F');
  await tabTo(page, 'add-attribute:applies:SHIP');
  await page.keyboard.press('Space');
  await tabTo(page, 'add-attribute:submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#schema-body [data-id="flag"]');
  assert.equal(await page.$eval('[data-key="attribute:flag:kind"]', (s) => s.value), 'text');

  // Esc closes the dialog; the focus is back on its button.
  await page.keyboard.press('Escape');
  await page.locator('#schema-dialog').waitFor({ state: 'hidden' });
  assert.equal((await focused(page)).id, 'schema-open');

  // Tag with the new hotkey: Tab to the highlights, the arrow to Pyongyang, Enter selects it, j makes it a SHIP.
  await tabTo(page, (f) => f.tag === 'MARK');
  assert.equal((await focused(page)).name, 'PERSON: Kim Jong-un');
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).name, 'GPE: Pyongyang');
  await page.keyboard.press('Enter');
  await page.keyboard.press('j');
  assert.ok((await annotationList(page)).includes('SHIP Pyongyang'));
  assert.equal(await markFill(page, 'Pyongyang'), '#8a3b12');

  // The details panel: Enter on the selected highlight goes there; the attribute that applies to SHIP is offered.
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'details-label');
  assert.equal(await page.$$eval('#details-body fieldset label', (ls) => ls.map((l) => l.textContent.trim()).join('|')), 'Uncertain|Negated|Flag state');
  await page.keyboard.press('Escape');
  assert.equal((await focused(page)).name, 'SHIP: Pyongyang', 'Esc goes back to the highlight');

  // Kim Jong-un: a note (Ctrl+Enter saves) and the role, by keyboard.
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused(page)).name, 'PERSON: Kim Jong-un');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'details-label');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'details-note');
  await page.keyboard.type('Arrived by train.');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.getElementById('undo').title.includes('Note'));
  assert.equal((await focused(page)).id, 'details-note', 'the focus stays in the note');
  await tabTo(page, 'attr:role');
  await page.keyboard.type('m');
  await page.waitForFunction(() => document.getElementById('undo').title.includes('role = military'));
  await page.keyboard.press('Escape');
  assert.equal((await focused(page)).name, 'PERSON: Kim Jong-un');
  await saved(page);
  await app.done();

  // A reload: back again, by keyboard; then Ctrl+Z undoes the role, and the panel shows it.
  app = await openApp(env.browser, env.server.url, { context });
  page = app.page;
  await page.waitForSelector('body[data-role="writer"]');
  await settled(page);
  // Tab from the caret reaches the annotation and selects it; Enter goes to its details.
  await tabTo(page, (f) => f.tag === 'MARK' && f.name === 'PERSON: Kim Jong-un');
  assert.match(await page.textContent('#status'), /Selected PERSON “Kim Jong-un”/);
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'details-label');
  assert.equal(await page.$eval('#details-note', (t) => t.value), 'Arrived by train.');
  assert.equal(await page.$eval('[data-key="attr:role"]', (s) => s.value), 'military');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelector('[data-key="attr:role"]')?.value === '');
  assert.match(await page.textContent('#status'), /Undid: role = military/);
  assert.equal(await page.$eval('#details-note', (t) => t.value), 'Arrived by train.');

  // ? opens the help: every label hotkey from the schema (SHIP's j too); Esc closes it.
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await page.locator('#help-dialog').waitFor({ state: 'visible' });
  const help = await page.textContent('#help-body');
  for (const expected of ['PERSON (Person)', 'SHIP (Ship)', 'MEETS (meets), symmetric', 'Start a relation', 'Undo', 'Remove the selected annotation', 'Back to the highlight']) assert.ok(help.includes(expected), `help lists ${expected}`);
  await page.keyboard.press('Escape');
  await page.locator('#help-dialog').waitFor({ state: 'hidden' });
  await saved(page);
  await app.done();
  await context.close();
});

// ---- axe-core and screenshots --------------------------------------------------------------

test('axe-core finds no serious or critical violation on the open schema dialog (with a removal asked), the details panel and the help overlay', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openFirst(page);
  await dragSelect(page, 'Kim Jong-un', { within: '.block.title' });
  await page.keyboard.press('1');
  await page.locator('#details-panel').waitFor({ state: 'visible' });
  await axe(page, 'the details panel', '#details-panel');
  await axe(page, 'the page with the details panel');
  await page.getByRole('button', { name: 'Schema…' }).click();
  await schemaRow(page, 'DATE').getByRole('button', { name: 'Remove DATE' }).click();
  await page.getByLabel('Hotkey of ORG').fill('r');
  await page.locator('#schema-title').click();
  await page.waitForSelector('#schema-error:not([hidden])');
  await axe(page, 'the schema dialog');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await page.locator('#help-dialog').waitFor({ state: 'visible' });
  await axe(page, 'the help overlay');
  await page.keyboard.press('Escape');
  await saved(page);
  await app.done();
});

test('screenshots of the schema dialog, the details panel and the help overlay at 1024x700 and 1440x900', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-shot-'));
  const file = path.join(dir, 'meeting.json');
  writeFileSync(file, JSON.stringify(RELATED));
  for (const size of SIZES) {
    const app = await openApp(env.browser, env.server.url);
    const { page } = app;
    await page.setViewportSize(size);
    await page.setInputFiles('#import-input', file);
    await page.waitForSelector('#doc .block');
    await settled(page);
    await page.locator('#annotation-list .annotation-button', { hasText: 'Kim Jong-un' }).click();
    await page.getByLabel('Note', { exact: true }).fill('Leader of North Korea.');
    await page.getByLabel('Role').focus();
    await page.getByLabel('Role').selectOption('head of state');
    await page.waitForFunction(() => document.getElementById('undo').title.includes('role'));
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `details-${size.width}x${size.height}.png`) });
    await page.getByRole('button', { name: 'Schema…' }).click();
    await page.locator('#schema-dialog').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, `schema-${size.width}x${size.height}.png`) });
    await schemaRow(page, 'PERSON').getByRole('button', { name: 'Remove PERSON' }).click();
    await page.screenshot({ path: path.join(SHOTS, `schema-confirm-${size.width}x${size.height}.png`) });
    await page.locator('#schema-body [data-id="MEMBER_OF"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `schema-scrolled-${size.width}x${size.height}.png`) });
    await page.locator('form[aria-labelledby="schema-add-attribute-title"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `schema-attributes-${size.width}x${size.height}.png`) });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.locator('#help-dialog').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, `help-${size.width}x${size.height}.png`) });
    await page.keyboard.press('Escape');
    await saved(page);
    await app.done();
  }
});
