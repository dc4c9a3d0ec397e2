// Self-check questions: plain JavaScript, no dependencies. Without it the answers stay
// reachable in each question's <details>.
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var texts = document.getElementById("quiz-texts");
  var words = texts ? JSON.parse(texts.textContent) : {};
  function say(key, fallback) { return words[key] || fallback; }
  // Answers match whatever digits and widths the learner's keyboard types (٤, ۴, ４ are 4).
  function digits(value) {
    return value.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, function (d) {
      return String((d.charCodeAt(0) & 0xf) % 10);
    });
  }
  function normalise(value) {
    return digits(value.normalize("NFKC")).trim().replace(/\s+/g, " ").toLocaleLowerCase(lang);
  }
  // The verdict in bold, or instead the chosen options' own feedback (which gives the verdict in
  // the writer's words: "Not quite. 2002 is..."), each on a line of its own; then `after`.
  function show(result, kind, verdict, notes, after) {
    result.className = "question-result" + (kind ? " is-" + kind : "");
    result.textContent = "";
    function line(className, text, tag) {
      var element = document.createElement(tag || "span");
      element.className = className;
      element.textContent = (result.firstChild ? " " : "") + text;
      result.appendChild(element);
    }
    if (notes.length === 0) { line("question-verdict", verdict, "strong"); }
    notes.forEach(function (note) { line("question-note", note); });
    if (after) { line("question-retry", after); }
  }

  document.querySelectorAll(".question").forEach(function (question) {
    var button = question.querySelector(".question-check");
    var result = question.querySelector(".question-result");
    if (!button || !result) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var correct;
      var notes = [];
      if (question.dataset.kind === "short-answer") {
        var input = question.querySelector("input[type=text]");
        var accepted = JSON.parse(input.dataset.answers).map(normalise);
        correct = input.value.trim() !== "" && accepted.indexOf(normalise(input.value)) >= 0;
      } else {
        var inputs = question.querySelectorAll(".option input");
        var chosen = 0;
        correct = true;
        inputs.forEach(function (input) {
          // Option feedback stands once, in the answer's <details>; quote the chosen ones' text.
          var feedback = document.getElementById(input.id + "-feedback");
          if (input.checked) {
            chosen += 1;
            if (feedback) { notes.push(feedback.textContent.trim()); }
          }
          if (input.checked !== input.hasAttribute("data-correct")) { correct = false; }
        });
        if (chosen === 0) {
          show(result, "", say("choose", "Choose an answer first."), [], "");
          return;
        }
      }
      var verdict = correct ? say("correct", "Correct.") : say("wrong", "Not quite. Try again, or show the answer.");
      var retry = correct || notes.length === 0 ? "" : say("retry", "Try again, or show the answer.");
      show(result, correct ? "correct" : "wrong", verdict, notes, retry);
    });
  });
}());
