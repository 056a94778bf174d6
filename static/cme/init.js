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
