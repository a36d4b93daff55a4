// The labeling page. Every change is a POST carrying the token in a header (the server refuses
// it otherwise); the reply is the new state, shown only after the server journaled the change.
"use strict";
const TOKEN = document.querySelector('meta[name="gmvae-token"]').content;
const $ = (id) => document.getElementById(id);
let state = null;          // the last /api/state reply
let override = null;       // an image picked from a review queue, asked instead of the policy's
let clusterPage = 0;
let excluded = new Set();
let busy = false;

async function api(path, form) {
  const opts = form === undefined ? {} : {
    method: "POST", headers: {"X-Gmvae-Token": TOKEN, "Content-Type": "application/x-www-form-urlencoded"},
    body: new URLSearchParams(form).toString()
  };
  const r = await fetch(path, opts);
  const text = await r.text();
  if (!r.ok) throw new Error(text || r.status);
  return JSON.parse(text);
}

function status(msg, error) { const s = $("status"); s.textContent = msg; s.className = error ? "error muted" : "muted"; }

async function change(path, form, what) {
  if (busy) return;
  busy = true;
  try {
    show(await api(path, form));
    status("saved: " + what);
    return true;
  } catch (e) {
    status("not saved: " + e.message, true);
  } finally { busy = false; }
}

function show(s) {
  const prev = state;
  state = s;
  $("training").hidden = s.ready;
  $("progress").textContent = s.progress;
  document.querySelector("main").classList.toggle("waiting", !s.ready);
  const list = $("classes");
  list.replaceChildren(...s.classes.map((c) => { const o = document.createElement("option"); o.value = c; return o; }));
  if (!s.ready) { status("the model is not ready yet"); return; }
  $("n-labeled").textContent = s.labeled;
  $("n-predicted").textContent = s.predicted;
  $("n-unnamed").textContent = s.unnamed;
  $("n-answers").textContent = s.answers;
  $("n-round").textContent = s.round;
  $("undo").disabled = !s.canUndo;
  drawCurve(s.curve);
  // The first questions can come from a sample while the model reads the other images (a second or two).
  if (s.read < s.images) status("the model has read " + s.read.toLocaleString() + " of " + s.images.toLocaleString() + " images: round 1 can start, the rest follows");
  else if (prev && prev.read < s.images) status("the model has read every image");
  showAsk();
}

function showAsk() {
  const s = state, img = $("ask-img");
  const image = override !== null ? override : s.next ? s.next.image : null;
  $("done").hidden = image !== null;
  if (image === null) { img.removeAttribute("src"); img.dataset.image = ""; $("strip").replaceChildren(); $("ask-info").textContent = ""; return; }
  if (img.dataset.image !== String(image)) {
    img.src = "/img/" + image;
    img.dataset.image = image;
  }
  if (override !== null) {
    $("ask-info").textContent = "image " + image + " (from review)";
    $("guess").textContent = "";
    $("strip").replaceChildren();
    return;
  }
  const n = s.next;
  $("ask-info").textContent = (s.round === 1 ? "round 1: the most central image of cluster " : "least certain decision, cluster ") + n.component
    + " (" + n.size + (s.read < s.images ? " of the images read so far)" : " images)");
  $("guess").textContent = n.guess ? "the model would say: " + n.guess : "";
  const orig = $("orig");
  orig.hidden = !n.path;
  if (n.path) { orig.href = "/orig/" + image; orig.textContent = n.path; }
  $("strip").replaceChildren(...n.strip.map((i) => thumb(i)));
}

function thumb(i) { const im = document.createElement("img"); im.src = "/img/" + i; im.dataset.image = i; im.alt = "image " + i; return im; }

function drawCurve(pts) {
  const svg = $("curve"), w = 180, h = 54;
  const ok = pts.filter((p) => p[1] !== null);
  $("n-acc").textContent = ok.length ? (100 * ok[ok.length - 1][1]).toFixed(1) + "%" : "–";
  if (ok.length < 1) { svg.innerHTML = ""; return; }
  const maxX = Math.max(10, ...ok.map((p) => p[0]));
  const xy = ok.map((p) => [4 + (w - 8) * p[0] / maxX, h - 4 - (h - 8) * p[1]]);
  svg.innerHTML = '<line x1="4" y1="' + (h - 4 - (h - 8) * 0.9) + '" x2="' + (w - 4) + '" y2="' + (h - 4 - (h - 8) * 0.9) + '" stroke="#ddd"/>'
    + '<polyline fill="none" stroke="#2b5797" stroke-width="1.5" points="' + xy.map((p) => p.join(",")).join(" ") + '"/>';
}

// ---------------------------------------------------------------- asking

async function accept(label) {
  const image = $("ask-img").dataset.image;
  label = label.trim();
  if (!image || !label) return;
  if (await change("/api/answer", {image, label}, "image " + image + " is " + label)) {
    $("label").value = "";
    override = null;
    showAsk();
  }
}

async function skip() {
  const image = $("ask-img").dataset.image;
  if (!image) return;
  if (override !== null) { override = null; showAsk(); return; }
  await change("/api/skip", {image}, "image " + image + " skipped");
}

async function undo() { await change("/api/undo", {}, "undone"); if (view === "cluster") loadCluster(); }

function shortcuts() {
  const m = {};
  for (const line of (localStorage.getItem("gmvae-keys") || "").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) m[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return m;
}

$("ask-form").addEventListener("submit", (e) => { e.preventDefault(); accept($("label").value); });
$("skip").addEventListener("click", skip);
$("undo").addEventListener("click", undo);
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "z") { e.preventDefault(); undo(); return; }
  if (view !== "ask") return;
  if (e.key === "Escape") { e.preventDefault(); skip(); return; }
  const bound = shortcuts()[e.key];
  if (bound && $("label").value === "" && !e.ctrlKey && !e.altKey && !e.metaKey) { e.preventDefault(); accept(bound); }
});

// ---------------------------------------------------------------- views

let view = "ask";
for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => open(b.dataset.view));
function open(v) {
  view = v;
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("on", b.dataset.view === v);
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + v;
  if (v === "ask") $("label").focus();
  if (v === "cluster") { if (state && state.next && $("cluster-c").dataset.set !== "1") $("cluster-c").value = state.next.component; loadCluster(); }
  if (v === "keys") $("keys").value = localStorage.getItem("gmvae-keys") || "";
}

async function loadCluster() {
  const c = Number($("cluster-c").value);
  try {
    const d = await api("/api/cluster?c=" + c + "&page=" + clusterPage);
    if (String(d.component) !== $("cluster-c").value) return; // a newer request took over
    $("cluster-info").textContent = d.size + " images";
    $("page-info").textContent = (d.page + 1) + " / " + d.pages;
    $("cluster-grid").replaceChildren(...d.members.map((m) => {
      const f = document.createElement("figure"), im = thumb(m.image);
      if (m.human) im.classList.add("human");
      if (excluded.has(m.image)) im.classList.add("excluded");
      im.addEventListener("click", () => {
        if (excluded.has(m.image)) excluded.delete(m.image); else excluded.add(m.image);
        im.classList.toggle("excluded");
        $("n-excluded").textContent = excluded.size;
      });
      const cap = document.createElement("figcaption");
      cap.textContent = m.label === null ? "·" : (m.human ? "✓ " : "") + m.label;
      f.append(im, cap);
      return f;
    }));
    $("cluster-grid").dataset.component = c;
    $("cluster-grid").dataset.page = d.page;
    status("cluster " + c);
  } catch (e) { status(e.message, true); }
}
function setCluster(c) { $("cluster-c").value = c; $("cluster-c").dataset.set = "1"; clusterPage = 0; excluded = new Set(); $("n-excluded").textContent = 0; loadCluster(); }
$("cluster-c").addEventListener("change", () => setCluster(Number($("cluster-c").value)));
$("cluster-prev").addEventListener("click", () => setCluster(Math.max(0, Number($("cluster-c").value) - 1)));
$("cluster-next").addEventListener("click", () => setCluster(Math.min(state.k - 1, Number($("cluster-c").value) + 1)));
$("page-prev").addEventListener("click", () => { if (clusterPage > 0) { clusterPage--; loadCluster(); } });
$("page-next").addEventListener("click", () => { clusterPage++; loadCluster().catch(() => clusterPage--); });
$("cluster-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const label = $("cluster-label").value.trim(), component = $("cluster-c").value;
  if (!label) return;
  if (await change("/api/cluster", {component, label, exclude: [...excluded].join(",")},
      "cluster " + component + " is " + label + " (" + excluded.size + " excluded)")) {
    excluded = new Set(); $("n-excluded").textContent = 0; $("cluster-label").value = ""; loadCluster();
  }
});

async function loadReview(kind) {
  try {
    const d = await api("/api/review?kind=" + kind);
    $("review-info").textContent = d.count + " images";
    $("review-grid").replaceChildren(...d.items.map((it) => {
      const f = document.createElement("figure"), im = thumb(it.image);
      im.addEventListener("click", () => { override = it.image; open("ask"); showAsk(); });
      const cap = document.createElement("figcaption");
      // A score of 0: no labeled cluster holds any of its posterior mass, so the model has no opinion yet.
      const label = it.score > 0 ? it.label : "?";
      cap.textContent = kind === "disagree" ? "soft " + label + " / hard " + it.hard : label + " " + it.score.toFixed(2);
      f.append(im, cap);
      return f;
    }));
  } catch (e) { status(e.message, true); }
}
$("review-uncertain").addEventListener("click", () => loadReview("uncertain"));
$("review-disagree").addEventListener("click", () => loadReview("disagree"));
$("keys-save").addEventListener("click", () => { localStorage.setItem("gmvae-keys", $("keys").value); $("keys-info").textContent = "saved in this browser"; });

// Poll: training progress, and other tabs' answers.
async function poll() {
  if (!busy) {
    try {
      const s = await api("/api/state");
      if (!state || s.version !== state.version || s.ready !== state.ready || !s.ready || s.read !== state.read) show(s);
      if (!$("status").classList.contains("error") && $("status").textContent === "connecting") status("ready");
    } catch (e) { status("server unreachable: " + e.message, true); }
  }
  setTimeout(poll, state && state.ready && state.read === state.images ? 3000 : 1000);
}
poll();
