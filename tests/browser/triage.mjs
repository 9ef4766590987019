// Drives Debian's headless Chromium over a triage report and checks it against the JSON Lines
// records `chaff score` wrote for the same input. Run by tests/browser.rs:
//
//     node tests/browser/triage.mjs REPORT.html RECORDS.jsonl SCREENSHOT_DIR
//
// Exits non-zero with the first check that fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const [report, recordsPath, shots] = process.argv.slice(2);
const records = readFileSync(recordsPath, "utf8").trim().split("\n").map((line) => JSON.parse(line));
const scored = records.filter((r) => !r.error);
// The queue's order: least reliable first, errors last, input order among equals.
const expected = records
  .map((r, i) => ({ r, i }))
  .sort((a, b) => (a.r.error ? Infinity : a.r.reliability) - (b.r.error ? Infinity : b.r.reliability) || a.i - b.i)
  .map(({ r }) => r);

// Chromium as this machine's closed network needs it: no background connections (Playwright
// gives it a new empty profile of its own).
export const launchOptions = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
};

// The queue's rows, every one: it draws only the rows in view, so scroll it from top to bottom.
const queueRows = (page) => page.evaluate(async () => {
  const body = document.getElementById("qbody");
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  const seen = new Map();
  body.scrollTop = 0;
  for (;;) {
    await frame();
    for (const row of document.querySelectorAll("#qspace [role=row]")) {
      seen.set(Number(row.dataset.i), [...row.querySelectorAll("[role=cell]")].map((c) => c.textContent));
    }
    if (body.scrollTop + body.clientHeight >= body.scrollHeight - 1) break;
    body.scrollTop += body.clientHeight;
  }
  body.scrollTop = 0;
  await frame();
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
});

const browser = await chromium.launch(launchOptions);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector("html[data-ready=true]");

  // The queue: every record, least reliable first, numbers as the JSON says.
  const rows = await queueRows(page);
  assert.equal(rows.length, records.length, "one row per record");
  const titleOf = (r) => r.title || r.url || r.id;
  expected.forEach((r, i) => {
    const cells = rows[i];
    assert.ok(cells[7].startsWith(titleOf(r) || ""), `row ${i}: ${cells[7]} is ${titleOf(r)}`);
    if (!r.error) {
      assert.equal(cells[1], r.reliability.toFixed(3), `row ${i} reliability`);
      assert.equal(cells[2], r.spam.toFixed(3), `row ${i} spam`);
      assert.ok(cells[3].startsWith(r.verdict), `row ${i} verdict ${cells[3]} is ${r.verdict}`);
      assert.equal(cells[4], r.spam_kind || "", `row ${i} spam kind`);
    }
  });
  // The embedded numbers are the JSON record's, to the last digit.
  const embedded = await page.evaluate(() => JSON.parse(document.getElementById("chaff-data").textContent).documents
    .map((d, i) => (d.error ? d : { ...d, ...JSON.parse(document.getElementById("view-" + i).textContent) })));
  expected.forEach((r, i) => {
    const d = embedded[i];
    assert.equal(d.id, r.id);
    if (r.error) return;
    for (const key of ["reliability", "spam", "quality", "spam_logit", "quality_logit", "spam_intercept", "quality_intercept"]) {
      assert.equal(d[key], r[key], `${r.id} ${key}`);
    }
    const moving = r.contributions.filter((c) => c.contribution !== 0);
    assert.deepEqual(d.contributions.map((c) => [c[0], c[3]]), moving.map((c) => [c.feature, c.contribution]), `${r.id} contributions`);
  });
  await page.screenshot({ path: join(shots, "queue.png") });

  // Sorting: by spam, up then down.
  const spamColumn = async () => (await queueRows(page)).filter((cells) => cells[2] !== "—").map((cells) => Number(cells[2]));
  await page.click("[data-sort=spam] button");
  let spams = await spamColumn();
  assert.deepEqual(spams, [...spams].sort((a, b) => a - b), "sorted by spam, ascending");
  assert.equal(await page.getAttribute("[data-sort=spam]", "aria-sort"), "ascending");
  await page.click("[data-sort=spam] button");
  spams = await spamColumn();
  assert.deepEqual(spams, [...spams].sort((a, b) => b - a), "sorted by spam, descending");
  await page.click("[data-sort=rank] button");

  // Filters: a verdict, a spam kind, free text; the count says what is shown.
  const count = () => page.textContent("#count");
  assert.equal(await count(), `Showing ${records.length} of ${records.length}`);
  const verdict = scored[0].verdict;
  await page.selectOption("#f-verdict", verdict);
  const withVerdict = scored.filter((r) => r.verdict === verdict).length;
  assert.equal(await count(), `Showing ${withVerdict} of ${records.length}`);
  assert.equal((await queueRows(page)).length, withVerdict);
  await page.selectOption("#f-verdict", "");
  const kinds = [...new Set(scored.map((r) => r.spam_kind).filter(Boolean))];
  for (const kind of kinds) {
    await page.selectOption("#f-kind", kind);
    assert.equal(await count(), `Showing ${scored.filter((r) => r.spam_kind === kind).length} of ${records.length}`, kind);
  }
  await page.selectOption("#f-kind", "");
  await page.selectOption("#f-family", "spun");
  const withSpun = scored.filter((r) => r.families.find((f) => f.family === "spun").evidence > 0).length;
  assert.equal(await count(), `Showing ${withSpun} of ${records.length}`, "family filter");
  await page.selectOption("#f-family", "");
  const needle = expected[expected.length - 1].id;
  await page.fill("#f-text", needle);
  assert.equal(await count(), `Showing ${records.filter((r) => (r.id || "").toLowerCase().includes(needle.toLowerCase())).length} of ${records.length}`);
  await page.fill("#f-text", "");

  // Keyboard: j moves to the second row, Enter opens it.
  await page.keyboard.press("Escape"); // leaves the search box
  await page.keyboard.press("j");
  assert.equal(await page.getAttribute("#qspace [role=row].current", "data-i"), "1");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#doc-view:not([hidden])");
  assert.equal(await page.textContent("#doc-title"), titleOf(expected[1]));
  await page.keyboard.press("Escape");
  await page.waitForSelector("#queue-view:not([hidden])");

  // Every document view: each piece of evidence's marked text is the evidence's text.
  let shot = null;
  for (const [i, r] of expected.entries()) {
    if (r.error) continue;
    await page.evaluate((i) => { location.hash = "doc=" + i; }, i);
    await page.waitForFunction((t) => document.getElementById("doc-title")?.textContent === t && !document.getElementById("doc-view").hidden, titleOf(r));
    assert.equal(await page.textContent("#doc-reliability"), r.reliability.toFixed(3));
    const marked = await page.$$eval("#doc-text mark", (marks) => {
      const texts = [];
      for (const m of marks) texts[Number(m.dataset.ev)] = (texts[Number(m.dataset.ev)] || "") + m.textContent;
      return texts;
    });
    assert.equal(marked.length, r.evidence.length, `${r.id}: a mark per piece of evidence`);
    r.evidence.forEach((e, k) => {
      const quoted = e.text.endsWith("…") && marked[k].length > e.text.length ? e.text.slice(0, -1) : null;
      if (quoted) assert.ok(marked[k].startsWith(quoted), `${r.id} evidence ${k}`);
      else assert.equal(marked[k], e.text, `${r.id} evidence ${k} (${e.signal})`);
    });
    const bars = await page.$$eval(".bars li[data-feature]", (lis) => lis.length);
    assert.equal(bars, r.contributions.filter((c) => c.contribution !== 0).length, `${r.id}: a bar per contribution`);
    if (!shot && r.evidence.some((e) => e.note)) shot = { i, r };
  }

  // A mark's tooltip names its signal and note; n jumps from mark to mark.
  assert.ok(shot, "some document has evidence with a note");
  await page.evaluate((i) => { location.hash = "doc=" + i; }, shot.i);
  await page.waitForFunction((t) => document.getElementById("doc-title")?.textContent === t, titleOf(shot.r));
  const noted = shot.r.evidence.findIndex((e) => e.note);
  await page.hover(`#mark-${noted}`);
  const tip = await page.textContent("#tip");
  assert.ok(tip.includes(shot.r.evidence[noted].signal) && tip.includes(shot.r.evidence[noted].note), tip);
  await page.screenshot({ path: join(shots, "document.png") });
  await page.focus("#back");
  await page.keyboard.press("n");
  assert.equal(await page.evaluate(() => document.activeElement.id), "mark-0");
  await page.keyboard.press("n");
  assert.equal(await page.evaluate(() => document.activeElement.id), "mark-1");

  // A phone-width window and the dark scheme.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const small = await phone.newPage();
  await small.goto(pathToFileURL(report).href);
  await small.waitForSelector("html[data-ready=true]");
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the queue fits a phone-width window (${overflow} px too wide)`);
  await small.screenshot({ path: join(shots, "queue-phone-dark.png") });
  await small.evaluate((i) => { location.hash = "doc=" + i; }, shot.i);
  await small.waitForSelector("#doc-view:not([hidden])");
  const docOverflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(docOverflow <= 0, `a document fits a phone-width window (${docOverflow} px too wide)`);
  await small.screenshot({ path: join(shots, "document-phone-dark.png") });

  // Controls have accessible names.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll("button, input, select")]
    .filter((c) => !(c.getAttribute("aria-label") || c.labels?.length || c.textContent.trim())).map((c) => c.outerHTML));
  assert.deepEqual(unnamed, [], "every control has a name");
  assert.deepEqual(errors, [], "no script error");
  assert.deepEqual(requests, [], "no network request");
  console.log(`ok: ${records.length} records, ${scored.reduce((n, r) => n + r.evidence.length, 0)} marks checked`);
} finally {
  await browser.close();
}
