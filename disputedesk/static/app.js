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

  /* Credit fields belong to a credit outcome; without this script they simply stay visible.
     A full credit is the disputed amount, so the proposal's amount steps aside for it. */
  function showCreditFields(form) {
    var outcome = form.querySelector("select[data-outcome]");
    form.querySelectorAll("fieldset[data-shown-for]").forEach(function (group) {
      var shown = group.dataset.shownFor.split(" ").indexOf(outcome.value) >= 0;
      group.hidden = !shown;
      group.disabled = !shown; // not sent for other outcomes
    });
    var total = form.querySelector("[data-line-total]");
    if (total && outcome.value === "credit_full") {
      total.value = ""; // a full credit is the disputed amount
    } else if (total && outcome.value === "credit_partial" && total.value === "") {
      lineTotal(form);
    }
  }

  /* The memo amount is the per-line amounts' sum: keep it so while they are typed. */
  function lineTotal(form) {
    var total = form.querySelector("[data-line-total]"), cents = 0, readable = true;
    var outcome = form.querySelector("select[data-outcome]");
    if (!total || (outcome && outcome.value === "credit_full")) return;
    form.querySelectorAll(".credit-lines input.amount-input").forEach(function (input) {
      var value = input.value.trim();
      if (!value) return;
      if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(value)) readable = false;
      else cents += Math.round(parseFloat(value) * 100);
    });
    total.value = readable && cents ? (cents / 100).toFixed(2) : ""; // unreadable: the server says why
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches(".credit-lines input.amount-input")) lineTotal(event.target.form);
  });
  document.addEventListener("htmx:load", function (event) {
    event.target.querySelectorAll("select[data-outcome]").forEach(function (select) {
      showCreditFields(select.form);
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-print]")) window.print();
  });

  /* A plain form that cannot be undone asks first (htmx forms use hx-confirm). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  /* A change to one area of a case refreshes the others. Done here rather than with an htmx
     trigger filter, which htmx evaluates as code and the Content-Security-Policy forbids. */
  document.body.addEventListener("case-changed", function (event) {
    var changed = event.detail && event.detail.area;
    document.querySelectorAll("[data-case-area]").forEach(function (area) {
      if (area.dataset.caseArea !== changed) htmx.trigger(area, "case-refresh");
    });
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

/* Lists and forms: a request in flight disables its submit buttons; the team queue's
   select-all; keyboard shortcuts on the queues (j/k move, Enter opens, c claims, ? help). */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (!form) return;
    form.querySelectorAll("button:not([type=button])").forEach(function (button) {
      button.disabled = true;
      button.dataset.busy = "1";
    });
  });
  document.addEventListener("htmx:afterRequest", function () {
    document.querySelectorAll("button[data-busy]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.busy;
    });
  });
  /* A plain form (no htmx) sent once: its button stays pressed until the next page. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get") || event.defaultPrevented) return;
    var button = event.submitter;
    if (button && !button.name) setTimeout(function () { button.disabled = true; }, 0);
  });

  /* The team queue: tick every case on the page, then, if more match, all of them. */
  function rowBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll('#queue input[name=refs]'));
  }
  function showSelection() {
    var label = document.getElementById("selection");
    if (!label) return;
    var all = document.getElementById("all-matching");
    var matching = document.querySelector("#queue[data-matching]");
    var ticked = rowBoxes().filter(function (box) { return box.checked; }).length;
    var row = document.getElementById("select-matching-row");
    var pageAll = document.getElementById("select-page");
    if (all && all.value) {
      label.textContent = "All " + matching.dataset.matching.replace("+", " or more") + " matching cases are selected.";
    } else {
      label.textContent = ticked ? ticked + " selected on this page." : "";
    }
    if (row) row.hidden = !(pageAll && pageAll.checked) || !!(all && all.value);
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "select-page") {
      rowBoxes().forEach(function (box) { box.checked = event.target.checked; });
      if (!event.target.checked) document.getElementById("all-matching").value = "";
    } else if (event.target.name === "refs" && !event.target.checked) {
      var page = document.getElementById("select-page");
      if (page) page.checked = false;
      document.getElementById("all-matching").value = "";
    }
    if (event.target.id === "select-page" || event.target.name === "refs") showSelection();
  });
  document.addEventListener("click", function (event) {
    if (event.target.id !== "select-matching") return;
    document.getElementById("all-matching").value = "1";
    showSelection();
  });
  document.addEventListener("htmx:afterSwap", showSelection);

  /* Keyboard shortcuts on a queue. */
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue] tbody tr:not(.more)"));
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var now = all.indexOf(document.querySelector("[data-queue] tr.current"));
    var next = all[Math.max(0, Math.min(all.length - 1, now + step))];
    all.forEach(function (row) { row.classList.remove("current"); });
    next.classList.add("current");
    var link = next.querySelector("a");
    if (link) link.focus();
  }
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-queue]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea, [contenteditable]")) return;
    var help = document.getElementById("shortcuts");
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "c" && document.getElementById("claim-next")) document.getElementById("claim-next").click();
    else if (event.key === "?" && help) help.open ? help.close() : help.showModal();
    else return;
    event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-close-dialog]")) event.target.closest("dialog").close();
  });
})();

/* Approving and issuing need a sign-in of the last 15 minutes: say so beside those forms
   when the window is about to close (and once it has), so nobody is surprised mid-comment. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="fresh-until"]');
  var until = meta ? Number(meta.content) * 1000 : 0;
  function tell() {
    var left = until - Date.now();
    document.querySelectorAll('form[action*="/credit-memos/"]').forEach(function (form) {
      var note = form.querySelector(".fresh-note");
      if (!note) {
        note = document.createElement("p");
        note.className = "fresh-note small";
        note.setAttribute("role", "status");
        form.insertBefore(note, form.firstChild);
      }
      if (!until || left <= 0) {
        note.textContent = "You will be asked for your password when you send this (sign-ins older than 15 minutes are re-checked before money moves).";
      } else if (left < 5 * 60 * 1000) {
        var minutes = Math.max(1, Math.ceil(left / 60000));
        note.textContent = "Your sign-in is good for approving for " + minutes + " more minute" + (minutes === 1 ? "" : "s") + "; after that you will be asked for your password.";
      }
      note.hidden = !!until && left >= 5 * 60 * 1000;
    });
  }
  tell();
  setInterval(tell, 20000);
  document.addEventListener("htmx:afterRequest", function (event) {
    var fresh = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Fresh-Until");
    if (fresh) until = Number(fresh) * 1000; // a password given in place renews the window
  });
  document.addEventListener("htmx:afterSettle", tell);
})();
