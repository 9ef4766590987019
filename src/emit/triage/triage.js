// chaff's triage page: the queue, its sorting and filters, and each document's view, built from
// the data embedded above (the queue's at once, each document's view when it is opened). No
// network, no library: it must open from file://.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("chaff-data").textContent);
  const docs = data.documents;
  const signals = data.signals;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const fixed = (x, digits = 3) => (x === null || x === undefined ? "" : x.toFixed(digits));
  const signed = (x) => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(3);
  const familyOf = (id) => (signals[id] ? signals[id].family : "quality");
  // A contribution moves reliability down when it raises spam or lowers quality.
  // How a contribution moves reliability (Contribution::effect_on_reliability).
  const effect = (bar) => (bar[1] === "quality" ? bar[3] : -bar[3]);

  docs.forEach((d, i) => {
    d.rank = i + 1;
    d.reasonText = (d.reasons || []).map((r) => r[0] + " " + (signals[r[0]] ? signals[r[0]].name : "")).join(", ");
    d.haystack = [d.id, d.title, d.url, d.verdict, d.spam_kind, d.reasonText, d.error].filter(Boolean).join(" ").toLowerCase();
  });

  // ---- header: summary and legend
  const scored = docs.filter((d) => !d.error);
  const spam = scored.filter((d) => d.spam_kind).length;
  const failed = docs.length - scored.length;
  $("summary").textContent = `${docs.length} documents: ${spam} judged spam, ${scored.filter((d) => d.flagged).length} flagged` + (failed ? `, ${failed} not scored` : "") +
    (data.config ? `. Configuration ${data.config}` : "");
  $("legend").innerHTML = data.families.map((f) => `<li class="f-${f}" style="--c: var(--${f})">${f}</li>`).join("");

  // ---- filters
  const fill = (select, values) => {
    for (const v of values) select.insertAdjacentHTML("beforeend", `<option value="${esc(v)}">${esc(v)}</option>`);
  };
  const distinct = (f) => [...new Set(docs.map(f).filter(Boolean))].sort();
  fill($("f-verdict"), distinct((d) => d.verdict || (d.error ? "error" : null)));
  fill($("f-kind"), distinct((d) => d.spam_kind));
  fill($("f-family"), data.families);

  let shown = docs.slice();
  let sort = { key: "rank", dir: 1 };
  // The selected row of `shown` (the queue as sorted and filtered).
  let currentRow = 0;
  // The document open (its index in `docs`), or -1 for the queue.
  let openIndex = -1;

  const sortValue = {
    rank: (d) => d.rank,
    reliability: (d) => (d.error ? Infinity : d.reliability),
    spam: (d) => (d.error ? -Infinity : d.spam),
    verdict: (d) => d.verdict || "~error",
    spam_kind: (d) => d.spam_kind || "~",
    reasons: (d) => d.reasonText || "~",
    words: (d) => d.words || 0,
    title: (d) => (d.title || d.url || d.id || "").toLowerCase(),
  };
  const headers = document.querySelectorAll("#queue [data-sort]");

  function apply() {
    const text = $("f-text").value.trim().toLowerCase();
    const verdict = $("f-verdict").value;
    const kind = $("f-kind").value;
    const family = data.families.indexOf($("f-family").value);
    shown = docs.filter((d) =>
      (!text || d.haystack.includes(text)) &&
      (!verdict || (d.verdict || "error") === verdict) &&
      (!kind || d.spam_kind === kind) &&
      (family < 0 || (d.families && d.families[family][1] > 0)));
    const value = sortValue[sort.key];
    shown.sort((a, b) => {
      const x = value(a), y = value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || a.rank - b.rank;
    });
    for (const th of headers) {
      th.setAttribute("aria-sort", th.dataset.sort === sort.key ? (sort.dir > 0 ? "ascending" : "descending") : "none");
    }
    $("count").textContent = `Showing ${shown.length} of ${docs.length}`;
    currentRow = Math.min(currentRow, Math.max(shown.length - 1, 0));
    renderQueue();
  }

  // ---- the queue: rows of one height, drawn only where they are scrolled into view (a table
  // of 10,000 laid-out rows took seconds to open and to sort)
  const body = $("qbody");
  const space = $("qspace");
  let rowHeight = 48;

  function row(d, i) {
    const name = d.title || d.url || d.id || "(no id)";
    const place = `style="top:${i * rowHeight}px" aria-rowindex="${i + 2}" data-i="${i}"`;
    const state = (i % 2 ? " odd" : "") + (i === currentRow ? " current" : "");
    if (d.error) {
      const where = [d.file, d.line ? "line " + d.line : null].filter(Boolean).join(", ");
      return `<div role="row" class="qrow error${state}" ${place}><div role="cell" class="num">${d.rank}</div>` +
        `<div role="cell" class="num">—</div><div role="cell" class="num">—</div><div role="cell" class="verdict">error</div>` +
        `<div role="cell" class="wide"></div><div role="cell" class="wide reasons">${esc(d.error)}</div><div role="cell" class="wide"></div>` +
        `<div role="cell" class="doctitle">${esc(name)} <small>${esc(where)}</small></div></div>`;
    }
    const vclass = d.spam_kind ? "v-spam" : d.verdict === "reliable" ? "v-reliable" : "";
    const sub = d.title || d.url ? ` <small>${esc(d.id || "")}</small>` : "";
    return `<div role="row" class="qrow${state}" ${place}${i === currentRow ? ' aria-selected="true"' : ""}>` +
      `<div role="cell" class="num">${d.rank}</div>` +
      `<div role="cell" class="num">${fixed(d.reliability)}<span class="bar reliability" aria-hidden="true"><span style="width:${(d.reliability * 100).toFixed(1)}%"></span></span></div>` +
      `<div role="cell" class="num">${fixed(d.spam)}<span class="bar spam" aria-hidden="true"><span style="width:${(d.spam * 100).toFixed(1)}%"></span></span></div>` +
      `<div role="cell" class="verdict ${vclass}">${esc(d.verdict)}${d.insufficient_text ? ' <small class="muted">(short)</small>' : ""}</div>` +
      `<div role="cell" class="wide">${esc(d.spam_kind || "")}</div>` +
      `<div role="cell" class="wide reasons">${esc(d.reasonText)}</div>` +
      `<div role="cell" class="wide num">${d.words}</div>` +
      `<div role="cell" class="doctitle"><a href="#doc=${d.rank - 1}">${esc(name)}</a>${sub}</div></div>`;
  }

  function renderQueue() {
    space.style.height = shown.length * rowHeight + "px";
    const first = Math.max(0, Math.floor(body.scrollTop / rowHeight) - 5);
    const last = Math.min(shown.length, Math.ceil((body.scrollTop + body.clientHeight) / rowHeight) + 5);
    let html = "";
    for (let i = first; i < last; i++) html += row(shown[i], i);
    space.innerHTML = html;
    $("queue").setAttribute("aria-rowcount", shown.length + 1);
  }

  let drawing = false;
  body.addEventListener("scroll", () => {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(() => { drawing = false; renderQueue(); });
  });

  // The queue fills the window below the filters; the row height is the style's, measured.
  function fit() {
    const probe = document.createElement("div");
    probe.className = "qrow";
    probe.style.visibility = "hidden";
    space.appendChild(probe);
    rowHeight = probe.offsetHeight || rowHeight;
    probe.remove();
    const top = body.getBoundingClientRect().top + window.scrollY;
    body.style.height = Math.max(240, window.innerHeight - top - 12) + "px";
    renderQueue();
  }
  window.addEventListener("resize", () => { if (openIndex < 0) fit(); });

  function moveCurrent(to) {
    if (!shown.length) return;
    currentRow = Math.max(0, Math.min(shown.length - 1, to));
    const top = currentRow * rowHeight;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (top + rowHeight > body.scrollTop + body.clientHeight) body.scrollTop = top + rowHeight - body.clientHeight;
    renderQueue();
  }

  function openCurrent() {
    const d = shown[currentRow];
    if (d) location.hash = "doc=" + (d.rank - 1);
  }

  for (const th of headers) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.sort;
      sort = { key, dir: sort.key === key ? -sort.dir : 1 };
      currentRow = 0;
      body.scrollTop = 0;
      apply();
    });
  }
  for (const id of ["f-text", "f-verdict", "f-kind", "f-family"]) {
    $(id).addEventListener("input", () => { currentRow = 0; body.scrollTop = 0; apply(); });
  }
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  space.addEventListener("click", (e) => {
    const tr = e.target.closest("[role=row]");
    if (!tr || e.target.closest("a")) return;
    currentRow = Number(tr.dataset.i);
    openCurrent();
  });

  // ---- the document view, read and rendered when opened
  const viewOf = (index) => JSON.parse(document.getElementById("view-" + index).textContent);
  let view = null;
  let marks = [];
  let markAt = -1;

  // The text with each piece of evidence in a <mark>. Spans may nest or cross: at every span
  // boundary the marks that end are closed (and the ones opened inside them closed and opened
  // again, as pieces), so each piece of evidence is one mark or several consecutive pieces
  // whose text, together, is its span.
  function markUp(text, spans) {
    // Blank lines before the first word (an HTML page's head) are not shown, unless marked.
    const blank = text.length - text.trimStart().length;
    const from = spans.every((m) => m[0] >= blank) ? blank : 0;
    const points = [...new Set([from, text.length, ...spans.flatMap((m) => [m[0], m[1]])])].sort((a, b) => a - b);
    const starting = new Map();
    spans.forEach((m, i) => {
      if (!starting.has(m[0])) starting.set(m[0], []);
      starting.get(m[0]).push(i);
    });
    const tag = (i, first) => {
      const family = familyOf(spans[i][2]);
      return `<mark class="f-${family}${spans[i][0] === spans[i][1] ? " empty" : ""}" data-ev="${i}"` +
        (first ? ` id="mark-${i}" tabindex="0"` : ` data-piece="more"`) + `>`;
    };
    const opened = new Set();
    const active = new Set();
    let open = [];
    let html = "";
    points.forEach((at, p) => {
      for (const i of [...active]) if (spans[i][1] <= at) active.delete(i);
      const here = starting.get(at) || [];
      for (const i of here) if (spans[i][1] > at) active.add(i);
      let keep = 0;
      while (keep < open.length && active.has(open[keep])) keep++;
      html += "</mark>".repeat(open.length - keep);
      open = open.slice(0, keep);
      const toOpen = [...active].filter((i) => !open.includes(i)).sort((a, b) => spans[b][1] - spans[a][1] || a - b);
      for (const i of toOpen) {
        html += tag(i, !opened.has(i));
        opened.add(i);
        open.push(i);
      }
      for (const i of here) if (spans[i][1] === at) html += tag(i, true) + "</mark>";
      if (p + 1 < points.length) html += esc(text.slice(at, points[p + 1]));
    });
    return html + "</mark>".repeat(open.length);
  }

  function bars(d, v, head) {
    const own = v.contributions.filter((c) => c[1] === head).sort((a, b) => effect(a) - effect(b));
    const largest = Math.max(1e-9, ...own.map((c) => Math.abs(c[3])));
    const items = own.map((c) => {
      const width = ((Math.abs(c[3]) / largest) * 100).toFixed(1);
      const name = signals[c[0]] ? signals[c[0]].name : "";
      const fill = `<span style="width:${width}%"></span>`;
      const lowers = effect(c) < 0;
      return `<li data-feature="${esc(c[0])}" data-contribution="${c[3]}" title="${esc(c[0] + " " + name + ": value " + c[2] + ", contribution " + c[3])}">` +
        `<span class="label">${esc(c[0])} ${esc(name)} <b>${signed(c[3])}</b></span>` +
        `<span class="side left">${lowers ? fill : ""}</span><span class="side right">${lowers ? "" : fill}</span></li>`;
    });
    const [logit, intercept, probability] = [v[head + "_logit"], v[head + "_intercept"], d[head]];
    const title = { spam: "Spam", quality: "Quality", news: "News" }[head];
    return `<section class="head" aria-label="${head} head"><h3>${title} head: ${fixed(probability)}</h3>` +
      `<p class="muted">logit ${fixed(logit)} = intercept ${fixed(intercept)} + the contributions below. Left lowers reliability, right raises it.</p>` +
      `<ol class="bars">${items.join("") || '<li class="muted">no contribution</li>'}</ol></section>`;
  }

  function renderDoc(index) {
    const d = docs[index];
    const name = d.title || d.url || d.id || "(no id)";
    let html = `<h2 id="doc-title">${esc(name)}</h2>`;
    view = d.error ? null : viewOf(index);
    marks = [];
    if (!view) {
      $("doc").innerHTML = html + `<p class="error">${esc(d.error)}</p>`;
      return;
    }
    const v = view;
    html += `<p class="muted">${esc(d.id || "")}${d.url ? " · " + esc(d.url) : ""} · ${d.format} · ${d.words} words${v.evidence_truncated ? " · evidence truncated" : ""}</p>`;
    html += `<div class="scores"><div>Reliability <b id="doc-reliability">${fixed(d.reliability)}</b></div>` +
      `<div>Spam <b id="doc-spam">${fixed(d.spam)}</b></div><div>Quality <b id="doc-quality">${fixed(d.quality)}</b></div><div>News <b id="doc-news">${fixed(d.news)}</b></div>` +
      `<div>Verdict <b id="doc-verdict">${esc(d.verdict)}</b></div></div>`;
    const evidence = v.marks.map((m, i) =>
      `<li class="f-${familyOf(m[2])}"><button type="button" data-jump="${i}"><span class="sig">${esc(m[2])}</span> ${esc(v.text.slice(m[0], m[1]).slice(0, 80))}</button></li>`);
    html += `<div class="layout"><article id="doc-text" class="text" aria-label="Text with evidence marked">${markUp(v.text, v.marks)}</article><aside>` +
      `<div class="marknav"><button type="button" id="prev-mark">◀ Previous mark <kbd>p</kbd></button>` +
      `<span id="mark-pos" aria-live="polite">${v.marks.length} marks</span>` +
      `<button type="button" id="next-mark">Next mark <kbd>n</kbd> ▶</button></div>` +
      bars(d, v, "spam") + bars(d, v, "quality") + bars(d, v, "news") +
      `<h3>Evidence</h3><ol class="evlist">${evidence.join("") || '<li class="muted">none</li>'}</ol></aside></div>`;
    $("doc").innerHTML = html;
    marks = [...document.querySelectorAll("#doc-text mark[id]")].sort((a, b) => a.dataset.ev - b.dataset.ev);
    markAt = -1;
    $("prev-mark").addEventListener("click", () => jump(markAt - 1));
    $("next-mark").addEventListener("click", () => jump(markAt + 1));
    for (const b of document.querySelectorAll("[data-jump]")) b.addEventListener("click", () => jump(Number(b.dataset.jump)));
  }

  function jump(to) {
    if (!marks.length) return;
    markAt = (to + marks.length) % marks.length;
    for (const m of document.querySelectorAll("mark.at")) m.classList.remove("at");
    for (const piece of document.querySelectorAll(`#doc-text mark[data-ev="${markAt}"]`)) piece.classList.add("at");
    const mark = marks[markAt];
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center" });
    $("mark-pos").textContent = `mark ${markAt + 1} of ${marks.length}`;
  }

  // ---- the tooltip: the signal, its message and note, on hover or focus
  const tip = $("tip");
  function showTip(mark) {
    const m = view && view.marks[Number(mark.dataset.ev)];
    if (!m) return;
    const s = signals[m[2]] || { name: "", message: "" };
    tip.innerHTML = `<b>${esc(m[2])} ${esc(s.name)} (${esc(s.family || "")})</b>${esc(s.message)}` + (m[3] ? `<br><i>${esc(m[3])}</i>` : "");
    tip.hidden = false;
    const r = mark.getBoundingClientRect();
    const left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = window.scrollY + r.bottom + 6 + "px";
    mark.setAttribute("aria-describedby", "tip");
  }
  const hideTip = () => { tip.hidden = true; };
  $("doc").addEventListener("mouseover", (e) => { const m = e.target.closest("mark"); if (m) showTip(m); });
  $("doc").addEventListener("mouseout", (e) => { if (e.target.closest("mark")) hideTip(); });
  $("doc").addEventListener("focusin", (e) => { const m = e.target.closest("mark"); if (m) showTip(m); });
  $("doc").addEventListener("focusout", hideTip);

  // ---- routing: #doc=N opens document N (queue order as written), anything else the queue
  function showQueue() {
    openIndex = -1;
    hideTip();
    $("doc-view").hidden = true;
    $("queue-view").hidden = false;
    fit();
    moveCurrent(currentRow);
  }
  function route() {
    const m = /^#doc=(\d+)$/.exec(location.hash);
    if (!m || !docs[Number(m[1])]) return showQueue();
    openIndex = Number(m[1]);
    const at = shown.indexOf(docs[openIndex]);
    if (at >= 0) currentRow = at;
    $("queue-view").hidden = true;
    $("doc-view").hidden = false;
    renderDoc(openIndex);
    window.scrollTo(0, 0);
    $("back").focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", route);
  const toQueue = () => { location.hash = "queue"; };
  $("back").addEventListener("click", toQueue);
  const step = (by) => {
    if (!shown.length) return;
    currentRow = Math.max(0, Math.min(shown.length - 1, currentRow + by));
    openCurrent();
  };
  $("prev-doc").addEventListener("click", () => step(-1));
  $("next-doc").addEventListener("click", () => step(1));

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      if (e.key === "Escape") document.activeElement.blur();
      return;
    }
    const keys = openIndex >= 0
      ? { Escape: toQueue, u: toQueue, n: () => jump(markAt + 1), p: () => jump(markAt - 1), "]": () => step(1), "[": () => step(-1) }
      : {
        j: () => moveCurrent(currentRow + 1), ArrowDown: () => moveCurrent(currentRow + 1),
        k: () => moveCurrent(currentRow - 1), ArrowUp: () => moveCurrent(currentRow - 1),
        Home: () => moveCurrent(0), End: () => moveCurrent(shown.length - 1),
        Enter: openCurrent, o: openCurrent, "/": () => $("f-text").focus(),
      };
    const action = keys[e.key];
    // Enter on a focused button or link is the button's or link's.
    if (action && !(e.key === "Enter" && /^(BUTTON|A)$/.test(document.activeElement.tagName))) {
      e.preventDefault();
      action();
    }
  });

  apply();
  route();
  document.documentElement.dataset.ready = "true";
})();
