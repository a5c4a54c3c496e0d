// The scenarios `make bench` runs after the sizes, in this order; each module exports
// run(browser, url) → a result object, markdown(result) → its section of the table, and a
// title. BENCH_QUICK=<name> runs one alone.

import * as beyond from './beyond.mjs';
import * as corpus from './corpus.mjs';
import * as relations from './relations.mjs';
import * as scale from './scale.mjs';
import * as team from './team.mjs';

export const SCENARIOS = { relations, corpus, team, scale, beyond };
