// The schema in brat's and Label Studio's own files: imported into the schema editor (what
// the schema lacks is added, one undoable step) and exported for each tool; the exports
// are read back by Python's XML and zip readers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, openApp } from './harness.mjs';

const env = suite();

const CONFIG = `<View>
  <Labels name="label" toName="text">
    <Label value="NORP" background="#6a3d9a"/>
    <Label value="PERSON" background="#2b5d8a"/>
  </Labels>
  <Relations>
    <Relation value="ALLY_OF"/>
  </Relations>
  <Text name="text" value="$text"/>
</View>`;

test('a Label Studio config adds its labels and relation types in one step; the schema exports for brat and Label Studio', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-schema-'));
  const file = path.join(dir, 'config.xml');
  writeFileSync(file, CONFIG);
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: 'Schema…' }).click();
  await page.setInputFiles('#schema-import', file);
  await page.waitForFunction(() => /Added 2 entries/.test(document.getElementById('schema-status').textContent));
  assert.ok(await page.locator('#palette .label-button[data-label="NORP"]').count(), 'NORP is in the palette');
  assert.ok(await page.locator('#relation-palette [data-relation-type="ALLY_OF"]').count(), 'ALLY_OF is a relation type');
  // One step: undo takes both away.
  await page.locator('#schema-undo').click();
  assert.equal(await page.locator('#palette .label-button[data-label="NORP"]').count(), 0);
  const again = path.join(dir, 'config-again.xml');
  writeFileSync(again, CONFIG);
  await page.locator('#schema-import').setInputFiles(again);
  await page.locator('#palette .label-button[data-label="NORP"]').waitFor();

  const download = async (button) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
    return d.path();
  };
  const xml = await download('#schema-export-ls');
  const zip = await download('#schema-export-brat');
  const out = execFileSync('python3', [
    '-c',
    `import sys, zipfile, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(sorted(l.get("value") for l in root.iter("Label")))
print(sorted(r.get("value") for r in root.iter("Relation")))
conf = zipfile.ZipFile(sys.argv[2]).read("annotation.conf").decode()
rel = conf.split("[relations]")[1].split("[")[0]
print([line.split()[0] for line in rel.splitlines() if line.strip() and not line.startswith("#")])`,
    xml,
    zip,
  ]);
  const [labels, relations, bratRelations] = String(out).trim().split('\n');
  assert.match(labels, /'NORP'/);
  assert.match(labels, /'PERSON'/);
  assert.match(relations, /'ALLY_OF'/);
  assert.match(relations, /'MEETS'/);
  assert.match(bratRelations, /'MEETS'/);
  assert.match(bratRelations, /'ALLY_OF'/);
  // A file that is no schema changes nothing and says why.
  const bad = path.join(dir, 'bad.xml');
  writeFileSync(bad, '<View><Labels');
  await page.locator('#schema-import').setInputFiles(bad);
  await page.waitForFunction(() => /was not imported/.test(document.getElementById('schema-error').textContent));
  await app.done();
});
