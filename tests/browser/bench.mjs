// How long a triage report takes to open and to sort in Debian's headless Chromium: the medians
// of ROUNDS fresh page loads (navigation to the queue drawn) and of sorting by each column twice.
//
//     node tests/browser/bench.mjs REPORT.html [ROUNDS]
//
// A benchmark, not a test: it prints figures (docs/performance.md keeps them).
import { statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [report, rounds = "5"] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const opens = [];
const sorts = [];
let rows = 0;
for (let round = 0; round < Number(rounds); round++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector("html[data-ready=true]");
  // Drawn: wait for the frame after the queue was built.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done))));
  opens.push(Date.now() - started);
  rows = Number((await page.textContent("#count")).split(" ")[1]);
  for (const key of ["reliability", "spam", "verdict", "words", "title"]) {
    for (let twice = 0; twice < 2; twice++) {
      sorts.push(await page.evaluate((key) => new Promise((done) => {
        const t = performance.now();
        document.querySelector(`[data-sort=${key}] button`).click();
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - t)));
      }), key));
    }
  }
  await context.close();
}
await browser.close();
console.log(JSON.stringify({
  report, bytes: statSync(report).size, rows, rounds: Number(rounds),
  open_ms_median: median(opens), open_ms: opens,
  sort_ms_median: Math.round(median(sorts)), sort_ms_max: Math.round(Math.max(...sorts)),
}));
