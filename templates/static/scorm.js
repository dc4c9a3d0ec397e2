// The SCORM player's one script: plain JavaScript, no dependencies. It finds the learning
// platform's API by ADL's algorithm (up through `parent`, then `opener`, bounded), initialises,
// keeps the learner's place, completion and quiz score, and finishes. The course's own pages are
// the site's, unchanged, in the frame; this script watches them from outside. Values are saved
// (committed) when the page changes, when the quiz's last question is answered and when the
// learner leaves, not on every click. Without a platform the course reads as the site does and
// the notice says that nothing is recorded.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var v12 = config.version === "1.2";
  var frame = document.getElementById("scorm-course");
  var notice = document.getElementById("scorm-status");
  var started = Date.now();
  var K = v12 ? {
    init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
    finish: "LMSFinish", entry: "cmi.core.entry", location: "cmi.core.lesson_location",
    status: "cmi.core.lesson_status", raw: "cmi.core.score.raw", min: "cmi.core.score.min",
    max: "cmi.core.score.max", exit: "cmi.core.exit", time: "cmi.core.session_time"
  } : {
    init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit",
    finish: "Terminate", entry: "cmi.entry", location: "cmi.location",
    status: "cmi.completion_status", raw: "cmi.score.raw", min: "cmi.score.min",
    max: "cmi.score.max", exit: "cmi.exit", time: "cmi.session_time"
  };

  // ADL's algorithm: the API object in this window or an ancestor, else in the opener's; at
  // most 500 steps each way (a frame of another origin is passed over, not an error).
  function scan(win) {
    var name = v12 ? "API" : "API_1484_11";
    for (var steps = 0; win && steps < 500; steps += 1) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* another origin */ }
      if (!win.parent || win.parent === win) { return null; }
      win = win.parent;
    }
    return null;
  }
  var api = scan(window);
  if (!api && window.opener) { api = scan(window.opener); }
  if (!api && window.top && window.top.opener) { api = scan(window.top.opener); }
  var live = false;
  try { live = !!api && String(api[K.init]("")) === "true"; } catch (e) { live = false; }
  if (!live) { notice.hidden = false; }

  function get(key) { return live ? String(api[K.get](key)) : ""; }
  function set(key, value) { if (live) { api[K.set](key, String(value)); } }
  function commit() { if (live) { api[K.commit](""); } }

  // What earlier sessions left: the pages seen and each quiz question's first verdict.
  var state = { seen: [], quiz: {} };
  var resumed = get(K.entry) === "resume";
  if (resumed) {
    try { state = JSON.parse(get("cmi.suspend_data")) || state; } catch (e) { /* start again */ }
    state.seen = state.seen || [];
    state.quiz = state.quiz || {};
  }
  var status = get(K.status);
  var done = v12 ? /^(completed|passed|failed)$/.test(status) : status === "completed";
  if (!done && status !== "incomplete") { set(K.status, "incomplete"); }
  var place = resumed ? get(K.location) : "";
  if (config.pages.indexOf(place) > 0) { frame.contentWindow.location.replace(place); }

  var questions = [];
  Object.keys(config.quiz).forEach(function (page) {
    config.quiz[page].forEach(function (id) { questions.push(page.replace(/\.html$/, "") + "-" + id); });
  });
  var scored = questions.length > 0 && questions.every(function (q) { return q in state.quiz; });

  function reachedTheEnd() {
    var last = config.pages.length - 1;
    if (config.completion === "last-page") { return state.seen.indexOf(last) >= 0; }
    return config.pages.every(function (page, n) { return state.seen.indexOf(n) >= 0; });
  }

  function save() { set("cmi.suspend_data", JSON.stringify(state)); }

  function page() {
    var doc;
    try { doc = frame.contentDocument; } catch (e) { return; }  // a site of another origin
    if (!doc || !doc.location) { return; }
    var file = doc.location.pathname.split("/").pop();
    // A link out of the course opens beside it, so the course (and its session) stays here.
    doc.querySelectorAll("a[href^='http:'], a[href^='https:']").forEach(function (a) {
      a.target = "_blank";
      a.rel = "noopener";
    });
    doc.addEventListener("click", function (event) { answered(event, file); });
    var n = config.pages.indexOf(file);
    if (n < 0) { return; }
    set(K.location, file);
    if (state.seen.indexOf(n) < 0) { state.seen.push(n); }
    save();
    if (!done && reachedTheEnd()) {
      done = true;
      // SCORM 1.2 has one status: a score already reported stands for completion as well.
      if (!v12) { set(K.status, "completed"); } else if (!scored) { set(K.status, "completed"); }
    }
    commit();
  }

  // quiz.js has judged the answer when the click reaches the document: its verdict is the
  // result's class. Questions on pages that are not quizzes are not graded.
  function answered(event, file) {
    var button = event.target.closest ? event.target.closest(".question-check") : null;
    var question = button ? button.closest(".question") : null;
    var ids = config.quiz[file];
    if (!question || !ids || ids.indexOf(question.id) < 0) { return; }
    var result = question.querySelector(".question-result");
    var correct = / is-correct/.test(result.className);
    if (!correct && !/ is-wrong/.test(result.className)) { return; }  // nothing chosen yet
    var key = file.replace(/\.html$/, "") + "-" + question.id;
    if (!v12) { interaction(question, key, correct); }
    if (key in state.quiz) { return; }  // the first answer counts; retries are practice
    state.quiz[key] = correct ? 1 : 0;
    save();
    if (questions.every(function (q) { return q in state.quiz; })) { score(); }
  }

  function score() {
    var right = questions.filter(function (q) { return state.quiz[q] === 1; }).length;
    var raw = Math.round((100 * right) / questions.length);
    var passed = raw >= config.passMark;
    set(K.min, 0);
    set(K.max, 100);
    set(K.raw, raw);
    if (v12) {
      set(K.status, passed ? "passed" : "failed");
    } else {
      set("cmi.score.scaled", raw / 100);
      set("cmi.success_status", passed ? "passed" : "failed");
    }
    scored = true;
    commit();
  }

  // SCORM 2004: each answer as an interaction, with its correct response.
  function interaction(question, key, correct) {
    var n = Number(get("cmi.interactions._count")) || 0;
    var at = "cmi.interactions." + n + ".";
    var prompt = question.querySelector(".question-prompt");
    set(at + "id", key);
    if (question.dataset.kind === "short-answer") {
      var input = question.querySelector("input[type=text]");
      set(at + "type", "fill-in");
      set(at + "learner_response", input.value.trim().replace(/\[[,.:]\]/g, " ").slice(0, 250));
      JSON.parse(input.dataset.answers).slice(0, 10).forEach(function (answer, k) {
        set(at + "correct_responses." + k + ".pattern", answer);
      });
    } else {
      var chosen = [];
      var right = [];
      question.querySelectorAll(".option input").forEach(function (option) {
        if (option.checked) { chosen.push(option.id); }
        if (option.hasAttribute("data-correct")) { right.push(option.id); }
      });
      set(at + "type", "choice");
      set(at + "learner_response", chosen.join("[,]"));
      set(at + "correct_responses.0.pattern", right.join("[,]"));
    }
    set(at + "result", correct ? "correct" : "incorrect");
    set(at + "timestamp", new Date().toISOString().slice(0, 19));
    if (prompt) { set(at + "description", prompt.textContent.trim().slice(0, 250)); }
  }

  function elapsed() {
    var s = Math.round((Date.now() - started) / 1000);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    if (!v12) { return "PT" + h + "H" + m + "M" + (s % 60) + "S"; }
    function two(x) { return (x < 10 ? "0" : "") + x; }
    return (h < 10 ? "000" : h < 100 ? "00" : h < 1000 ? "0" : "") + h + ":" + two(m) + ":" + two(s % 60);
  }

  var finished = false;
  function finish() {
    if (finished || !live) { return; }
    finished = true;
    set(K.time, elapsed());
    // Suspended until complete, so the platform resumes at the learner's place.
    set(K.exit, done && (scored || questions.length === 0) ? (v12 ? "" : "normal") : "suspend");
    commit();
    api[K.finish]("");
  }

  frame.addEventListener("load", page);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") { page(); }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
}());
