/**
 * `jobdef report --html`: one self-contained page (no request leaves it): per branch the suites × platforms matrix,
 * each cell linking to its jobs, every job's values with the file:line that set them on click, and a filter box.
 * The matrix and job lists are HTML; the provenance tables are JSON in the page, rendered when asked for.
 */
import { type BranchMatrix, cellText, MATRIX_LEGEND, type MatrixRow } from "../matrix.js";
import type { ReportData } from "./data.js";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside <script>: nothing in it can end the element or start a comment. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The id of a cell's job list: `jobs:<branch>:<platform>:<suite>` (names cannot hold `:`). */
export function cellId(branch: string, platform: string, suite: string): string {
  return `jobs:${branch}:${platform}:${suite}`;
}

function usualSymbol(row: MatrixRow): string {
  const counts = new Map<string, number>();
  for (const entries of Object.values(row.cells))
    for (const e of entries) counts.set(e.symbol, (counts.get(e.symbol) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

function matrixTable(m: BranchMatrix): string {
  const head = m.platforms.map(
    (p) => `<th scope="col" data-platform="${escapeHtml(p.name)}">${escapeHtml(p.name)}</th>`,
  );
  const rows = m.suites.map((row) => {
    const symbol = usualSymbol(row);
    const cells = m.platforms.map((p) => {
      const entries = row.cells[p.name];
      if (!entries) return `<td data-platform="${escapeHtml(p.name)}" class="none">·</td>`;
      const id = cellId(m.branch, p.name, row.suite);
      const first = entries[0].labels[0];
      return `<td data-platform="${escapeHtml(p.name)}"><a href="#${escapeHtml(id)}" data-branch="${escapeHtml(m.branch)}" data-label="${escapeHtml(first)}">${escapeHtml(cellText(entries, symbol))}</a></td>`;
    });
    return `<tr data-suite="${escapeHtml(row.suite)}"><th scope="row">${escapeHtml(row.suite)}</th><td class="symbol">${escapeHtml(symbol)}</td>${cells.join("")}</tr>`;
  });
  return `<table class="matrix"><thead><tr><th scope="col">suite</th><th scope="col">symbol</th>${head.join("")}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

function jobLists(m: BranchMatrix): string {
  const blocks = m.suites.flatMap((row) =>
    m.platforms.flatMap((p) => {
      const entries = row.cells[p.name];
      if (!entries) return [];
      const labels = entries.flatMap((e) =>
        e.labels.map(
          (l) =>
            `<li><button type="button" class="job" data-branch="${escapeHtml(m.branch)}" data-label="${escapeHtml(l)}">${escapeHtml(l)}</button> <span class="meta">${escapeHtml(`${e.buildType}, ${e.chunks} chunk${e.chunks === 1 ? "" : "s"}, tier ${e.tier}, ${e.scheduler}, ${e.symbol}`)}</span></li>`,
        ),
      );
      const id = cellId(m.branch, p.name, row.suite);
      return [
        `<div class="jobs" id="${escapeHtml(id)}" data-suite="${escapeHtml(row.suite)}" data-platform="${escapeHtml(p.name)}"><h4>${escapeHtml(`${row.suite} on ${p.name}`)}</h4><ul>${labels.join("")}</ul></div>`,
      ];
    }),
  );
  return `<details class="joblists"><summary>jobs of ${escapeHtml(m.branch)} (${m.jobs})</summary>${blocks.join("\n")}</details>`;
}

function branchSection(m: BranchMatrix): string {
  return `<section class="branch" id="branch:${escapeHtml(m.branch)}" data-branch="${escapeHtml(m.branch)}">
<h2>${escapeHtml(m.branch)} <small>${m.suites.length} suites × ${m.platforms.length} platforms, ${m.jobs} jobs</small></h2>
${matrixTable(m)}
${jobLists(m)}
</section>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fbfbfd}
h1{font-size:1.5em;margin:0 0 .3em}h2{margin:1.2em 0 .4em;color:#0b4f9c}h2 small{color:#666;font-weight:normal;font-size:.6em}
#filter{font-size:1em;padding:.35em .6em;width:24em;border:1px solid #8aa;border-radius:4px}
table.matrix{border-collapse:collapse;margin:.3em 0 1em}
.matrix th,.matrix td{border:1px solid #c8d0d8;padding:.2em .5em;text-align:left;white-space:nowrap}
.matrix thead th{background:#dde8f5}.matrix tbody th{background:#f0f3f7;font-weight:600}
.matrix td.symbol{color:#7a4b00;font-family:monospace}.matrix td.none{color:#bbb;text-align:center}
.matrix td a{color:#0a6b2a;text-decoration:none;font-family:monospace}.matrix td a:hover{text-decoration:underline}
.matrix td:not(.none):not(.symbol){background:#e9f7ee}
.legend{color:#555;font-size:.9em}
.jobs h4{margin:.6em 0 .2em}.jobs ul{margin:0;padding-left:1.2em}.meta{color:#666;font-size:.9em}
button.job{font-family:monospace;border:none;background:none;color:#0b4f9c;cursor:pointer;padding:0}
button.job:hover{text-decoration:underline}
.jobs:target{background:#fff6d6}
#provenance{position:sticky;bottom:0;background:#fff;border-top:3px solid #0b4f9c;max-height:45vh;overflow:auto;padding:.3em .8em}
#provenance[hidden]{display:none}#provenance table{border-collapse:collapse;font-family:monospace;font-size:.9em}
#provenance td,#provenance th{border-bottom:1px solid #e3e3e3;padding:.1em .6em;text-align:left;vertical-align:top}
#provenance td.where{color:#7a4b00;white-space:nowrap}#provenance td.layer{color:#666}
tr.hidden,th.hidden,td.hidden,section.hidden{display:none}
`;

/** The page's script: the filter box, and a job's provenance table on click. Plain DOM, no library. */
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById("jobdef-data").textContent);
  var panel = document.getElementById("provenance");
  function text(tag, s, cls) { var e = document.createElement(tag); e.textContent = s; if (cls) e.className = cls; return e; }
  function show(branch, label) {
    var index = (data.jobs[branch] || {})[label];
    if (index === undefined) return;
    panel.textContent = "";
    panel.appendChild(text("h3", label + " on " + branch));
    var table = document.createElement("table");
    var head = document.createElement("tr");
    ["field", "value", "set at", "layer"].forEach(function (h) { head.appendChild(text("th", h)); });
    table.appendChild(head);
    data.provenance[index].forEach(function (row) {
      var tr = document.createElement("tr");
      tr.appendChild(text("td", row[0], "field"));
      tr.appendChild(text("td", row[1], "value"));
      tr.appendChild(text("td", row[2], "where"));
      tr.appendChild(text("td", row[3], "layer"));
      table.appendChild(tr);
    });
    panel.appendChild(table);
    panel.hidden = false;
    panel.setAttribute("data-label", label);
    panel.setAttribute("data-branch", branch);
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-label]");
    if (t && t.getAttribute("data-branch")) {
      show(t.getAttribute("data-branch"), t.getAttribute("data-label"));
      var lists = t.closest("section").querySelector("details.joblists");
      if (lists && t.tagName === "A") lists.open = true;
    }
  });
  function filter(q) {
    q = q.trim().toLowerCase();
    document.querySelectorAll("section.branch").forEach(function (section) {
      var heads = Array.prototype.slice.call(section.querySelectorAll("thead th[data-platform]"));
      var cols = heads.map(function (h) { return h.getAttribute("data-platform"); });
      var byPlatform = q && cols.some(function (p) { return p.toLowerCase().indexOf(q) >= 0; });
      var keep = function (p) { return !byPlatform || p.toLowerCase().indexOf(q) >= 0; };
      section.querySelectorAll("[data-platform]").forEach(function (e) {
        if (e.closest("thead") || e.tagName === "TD") e.classList.toggle("hidden", !keep(e.getAttribute("data-platform")));
      });
      var shown = 0;
      section.querySelectorAll("tbody tr").forEach(function (tr) {
        var suite = tr.getAttribute("data-suite").toLowerCase();
        var visible = byPlatform
          ? Array.prototype.some.call(tr.querySelectorAll("td[data-platform]:not(.none)"), function (td) { return keep(td.getAttribute("data-platform")); })
          : !q || suite.indexOf(q) >= 0;
        tr.classList.toggle("hidden", !visible);
        if (visible) shown++;
      });
      var branchMatch = q && section.getAttribute("data-branch").toLowerCase().indexOf(q) >= 0;
      if (branchMatch) section.querySelectorAll("tbody tr.hidden, .hidden").forEach(function (e) { e.classList.remove("hidden"); });
      section.classList.toggle("hidden", !shown && !branchMatch);
    });
  }
  var box = document.getElementById("filter");
  box.addEventListener("input", function () { filter(box.value); });
})();
`;

export function renderReport(data: ReportData, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p><input id="filter" type="search" placeholder="filter: suite, platform or branch" aria-label="filter"></p>
<p class="legend">${escapeHtml(MATRIX_LEGEND.replace("`.`", "`·`"))}. Click a cell or a job for the file:line of every value.</p>
${data.branches.map(branchSection).join("\n")}
<div id="provenance" hidden></div>
<script type="application/json" id="jobdef-data">${scriptJson({ jobs: data.jobs, provenance: data.provenance })}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
