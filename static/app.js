/* Disputedesk's few behaviours beyond htmx: evidence drag-and-drop and upload progress,
   credit fields shown only for a credit outcome, and the memo's print button. */
(function () {
  "use strict";

  function uploadForm(el) {
    return el.closest("[data-dropzone]")?.querySelector("form.upload") || null;
  }

  function tooLarge(form) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files[0];
    return !!file && file.size > Number(form.dataset.maxBytes);
  }

  /* Drop a file anywhere on the evidence panel: it goes into the panel's file picker. */
  document.addEventListener("dragover", function (event) {
    var form = uploadForm(event.target);
    if (!form) return;
    event.preventDefault();
    form.closest("[data-dropzone]").classList.add("dragging");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest("[data-dropzone]");
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", function (event) {
    var form = uploadForm(event.target);
    if (!form) return;
    event.preventDefault();
    form.closest("[data-dropzone]").classList.remove("dragging");
    var input = form.querySelector("input[type=file]");
    input.files = event.dataTransfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    form.querySelector("select[name=kind]").focus();
  });

  /* Say at once when a chosen file is over the limit, rather than after sending it. */
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form.upload");
    if (form && event.target.type === "file") {
      form.querySelector("[data-too-large]").hidden = !tooLarge(form);
    }
    if (event.target.matches("select[data-outcome]")) showCreditFields(event.target.form);
  });
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form.upload") && tooLarge(form)) event.preventDefault();
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = event.target.querySelector && event.target.querySelector("progress");
    if (bar && event.detail.lengthComputable && event.detail.total) {
      bar.value = Math.max(bar.value, Math.round((100 * event.detail.loaded) / event.detail.total));
    }
  });

  /* Credit fields belong to a credit outcome; without this script they simply stay visible. */
  function showCreditFields(form) {
    var outcome = form.querySelector("select[data-outcome]");
    form.querySelectorAll("fieldset[data-shown-for]").forEach(function (group) {
      var shown = group.dataset.shownFor.split(" ").indexOf(outcome.value) >= 0;
      group.hidden = !shown;
      group.disabled = !shown; // not sent for other outcomes
    });
  }
  document.addEventListener("htmx:load", function (event) {
    event.target.querySelectorAll("select[data-outcome]").forEach(function (select) {
      showCreditFields(select.form);
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-print]")) window.print();
  });

  /* On a phone the main menu folds behind one button; without this script it simply wraps. */
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    var bar = toggle.closest(".topbar");
    bar.classList.add("folding");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
})();
