// @mention autocomplete for comment boxes: <textarea data-mention-url="/notifications/mentionable/DSP-…">.
// Suggests people who can see the case; choosing one writes "@handle ". Works without it too.
(function () {
  "use strict";
  var TOKEN = /(^|[\s(])@([\w.+-]*)$/;

  function listFor(box) {
    var list = box.parentNode.querySelector(".mention-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      box.insertAdjacentElement("afterend", list);
    }
    return list;
  }

  function visibility(box) {
    var field = box.form && box.form.querySelector("[name=visibility]");
    return field ? field.value : "";
  }

  function choose(box, handle) {
    var before = box.value.slice(0, box.selectionStart).replace(TOKEN, "$1@" + handle + " ");
    box.value = before + box.value.slice(box.selectionStart);
    box.setSelectionRange(before.length, before.length);
    listFor(box).hidden = true;
    box.focus();
  }

  function suggest(box) {
    var found = TOKEN.exec(box.value.slice(0, box.selectionStart));
    var list = listFor(box);
    if (!found) { list.hidden = true; return; }
    var url = box.dataset.mentionUrl + "?q=" + encodeURIComponent(found[2]) +
      "&visibility=" + encodeURIComponent(visibility(box));
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (people) {
        list.textContent = "";
        people.forEach(function (p) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = "@" + p.handle + " · " + p.name;
          button.addEventListener("click", function () { choose(box, p.handle); });
          item.appendChild(button);
          list.appendChild(item);
        });
        list.hidden = people.length === 0;
      });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mention-url]")) suggest(event.target);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.matches && event.target.matches("textarea[data-mention-url]")) {
      listFor(event.target).hidden = true;
    }
  });
})();
