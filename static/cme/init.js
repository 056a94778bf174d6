// Progressive enhancement only: every page works without this script.
import { initAll as initGovuk } from "../vendor/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj-frontend.min.js";

initGovuk();
initMoj();

// Conditional radios (templates/gds/layout/conditional_question.html): show the questions of
// the chosen option only. Like GOV.UK's own reveal, without the aria-expanded axe refuses.
function syncReveals(group) {
  for (const input of group.querySelectorAll("input[data-cme-reveal]")) {
    const target = document.getElementById(input.dataset.cmeReveal);
    if (target) target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  }
}
for (const group of document.querySelectorAll(".govuk-radios")) {
  if (!group.querySelector("input[data-cme-reveal]")) continue;
  group.addEventListener("change", () => syncReveals(group));
  window.addEventListener("pageshow", () => syncReveals(group));
  syncReveals(group);
}

// An import's progress (templates/cases/import_run.html): the bar and its words follow
// the background worker, and the page reloads to show the report once the import has finished.
// Without this script the page has a Refresh button.
const importProgress = document.querySelector("[data-cme-import-progress]");
if (importProgress) {
  const bar = importProgress.querySelector("progress");
  const words = importProgress.querySelector("[data-cme-import-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(importProgress.dataset.cmeImportProgress, {
        headers: { Accept: "application/json" },
      });
      const state = await response.json();
      if (state.status !== "QUEUED" && state.status !== "RUNNING") {
        window.location.reload();
        return;
      }
      if (state.of) {
        bar.max = state.of;
        bar.value = Math.min(state.rows, state.of);
      }
      if (words.textContent.trim() !== state.text) words.textContent = state.text;
    } catch {
      // the server is busy or unreachable: try again at the next tick
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
