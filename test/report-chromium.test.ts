/// <reference lib="dom" />
/**
 * `jobdef report --html` as a browser shows it: the page of the embedded tree, written by the real CLI, opened in
 * Debian's Chromium (/usr/bin/chromium, driven by playwright-core; nothing downloaded), DOM assertions on the
 * matrix, the job links, the provenance panel and the filter box, and a screenshot checked to be more than blank.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { REPO, runCli } from "./helpers/tree.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = "/tmp/jobdef-report-chromium.png";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
// a hang fails the test instead of holding the suite: every browser step has this deadline
const DEADLINE = 60_000;

let dir = "";
let browser: Browser;
let page: Page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), "jobdef-report-"));
  const r = runCli(["report", "--html", join(dir, "report.html"), "--root", REPO]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^jobdef report: .*report\.html: 9 branches, \d+ jobs, \d+ bytes\n$/);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: DEADLINE });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(DEADLINE);
  const requests: string[] = [];
  page.on("request", (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  assert.deepEqual(
    requests.filter((u) => !u.startsWith("file:")),
    [],
    "the page is self-contained",
  );
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const central = "section.branch[data-branch='mozilla-central']";

test("the matrix of every branch, as matrix --json has it", { timeout: DEADLINE }, async () => {
  const matrices = JSON.parse(runCli(["matrix", "--json", "--root", REPO]).stdout) as {
    branch: string;
    suites: { suite: string }[];
    platforms: { name: string }[];
  }[];
  assert.deepEqual(
    await page.$$eval("section.branch", (s) => s.map((e) => e.getAttribute("data-branch"))),
    matrices.map((m) => m.branch),
  );
  for (const m of matrices) {
    const sel = `section.branch[data-branch='${m.branch}']`;
    assert.deepEqual(
      await page.$$eval(`${sel} tbody tr`, (rows) => rows.map((r) => r.getAttribute("data-suite"))),
      m.suites.map((s) => s.suite),
    );
    assert.deepEqual(
      await page.$$eval(`${sel} thead th[data-platform]`, (h) => h.map((e) => e.textContent)),
      m.platforms.map((p) => p.name),
    );
  }
  const cell = page.locator(`${central} tr[data-suite='mochitest-plain'] td[data-platform='android-4.3'] a`);
  assert.equal(await cell.textContent(), "od 16");
  assert.equal(
    await page.locator(`${central} tr[data-suite='mochitest-push'] td[data-platform='android-4.3']`).textContent(),
    "·",
  );
});

test("a cell links to its jobs; a click shows the file:line of every value", { timeout: DEADLINE }, async () => {
  const cell = page.locator(`${central} tr[data-suite='mochitest-plain'] td[data-platform='linux64'] a`);
  const href = (await cell.getAttribute("href"))!;
  assert.equal(href, "#jobs:mozilla-central:linux64:mochitest-plain");
  await cell.click();
  const target = page.locator(`[id='${href.slice(1)}']`);
  assert.ok(await target.isVisible(), "the cell's job list is shown");
  assert.deepEqual(
    await target.locator("button.job").allTextContents(),
    [1, 2, 3, 4, 5]
      .flatMap((c) => [`test-linux64/opt-mochitest-plain-${c}`])
      .concat([1, 2, 3, 4, 5].map((c) => `test-linux64/debug-mochitest-plain-${c}`)),
  );
  const panel = page.locator("#provenance");
  assert.ok(await panel.isVisible());
  assert.equal(await panel.locator("h3").textContent(), "test-linux64/opt-mochitest-plain-1 on mozilla-central");
  const row = (field: string) =>
    panel.locator("tr", { has: page.locator("td.field", { hasText: new RegExp(`^${field}$`) }) });
  const chunks = await row("chunks").locator("td").allTextContents();
  assert.deepEqual(chunks, ["chunks", "5", "configs/suites/mochitest-plain.yml:9", "suite"]);
  // every value of the job has a place: a file:line, or jobdef's built-in layer
  const wheres = await panel.locator("td.where").allTextContents();
  assert.ok(wheres.length > 20, `${wheres.length} values`);
  for (const w of wheres) assert.match(w, /^(configs\/[a-z0-9/._-]+\.yml:\d+|jobdef)$/);
  // a job of the list: its own table
  await target.locator("button.job", { hasText: "test-linux64/debug-mochitest-plain-3" }).click();
  assert.equal(await panel.getAttribute("data-label"), "test-linux64/debug-mochitest-plain-3");
  const reftest = page.locator(`${central} tr[data-suite='reftest'] td[data-platform='linux64'] a`);
  await reftest.click();
  assert.deepEqual(await row("chunks").locator("td").allTextContents(), [
    "chunks",
    "2",
    "configs/suites/reftest.yml:13",
    "suite",
  ]);
});

test("the filter box keeps matching suites, or the matching platforms' columns", { timeout: DEADLINE }, async () => {
  const visibleRows = () =>
    page.$$eval(`${central} tbody tr`, (rows) =>
      rows.filter((r) => getComputedStyle(r).display !== "none").map((r) => r.getAttribute("data-suite")),
    );
  await page.fill("#filter", "xpcshell");
  assert.deepEqual(await visibleRows(), ["xpcshell"]);
  await page.fill("#filter", "linux64-asan");
  const columns = await page.$$eval(`${central} thead th[data-platform]`, (h) =>
    h.filter((e) => getComputedStyle(e).display !== "none").map((e) => e.textContent),
  );
  assert.deepEqual(columns, ["linux64-asan"]);
  const rows = await visibleRows();
  assert.ok(rows.includes("mochitest-plain") && !rows.includes("crashtest-e10s"), rows.join(" "));
  await page.fill("#filter", "");
  const allRows = await page.$$eval(`${central} tbody tr`, (rows) => rows.length);
  assert.ok(allRows > 1);
  assert.equal((await visibleRows()).length, allRows, "an empty filter shows every suite again");
});

test("a screenshot of the rendered page is not blank", { timeout: DEADLINE }, async () => {
  await page.locator(`${central} tr[data-suite='mochitest-plain'] td[data-platform='linux64'] a`).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SCREENSHOT });
  const png = readFileSync(SCREENSHOT);
  // decoded by the browser itself: distinct colours, and how much of the page is not the background
  const blank = await browser.newPage();
  const stats = await blank.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map<number, number>();
    for (let i = 0; i < px.length; i += 4) {
      const c = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const background = Math.max(...counts.values());
    return { width: img.width, height: img.height, colours: counts.size, inked: 1 - background / (px.length / 4) };
  }, png.toString("base64"));
  await blank.close();
  assert.deepEqual([stats.width, stats.height], [1400, 1000]);
  assert.ok(stats.colours >= 50, `${stats.colours} distinct colours`);
  assert.ok(stats.inked >= 0.05, `${(stats.inked * 100).toFixed(1)}% of the pixels are not the background`);
});
