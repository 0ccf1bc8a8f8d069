// The blueprint's script. It typesets the notes' math (the <span class="math math-inline"> and
// <span class="math math-display"> that pulldown-cmark writes) with the site's own KaTeX, and it
// reports to the console whatever did not render: a formula KaTeX cannot parse, a font that did not
// load. A page that renders in full logs nothing, which is what the browser check
// (notes/scripts/blueprint_check.sh) asserts. When all is done, <body> gets data-rendered="yes".
(function () {
  "use strict";
  function typeset() {
    var spans = document.querySelectorAll("span.math");
    for (var i = 0; i < spans.length; i++) {
      var el = spans[i];
      var tex = el.textContent;
      try {
        katex.render(tex, el, {
          displayMode: el.classList.contains("math-display"),
          throwOnError: true,
          strict: "ignore",
        });
      } catch (err) {
        el.classList.add("math-error");
        el.title = String(err);
        console.error("KaTeX cannot typeset " + JSON.stringify(tex) + ": " + err.message);
      }
    }
    document.fonts.ready.then(function () {
      document.fonts.forEach(function (font) {
        if (font.status === "error") {
          console.error("font did not load: " + font.family);
        }
      });
      document.body.setAttribute("data-rendered", "yes");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
