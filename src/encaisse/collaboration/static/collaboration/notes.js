/* Typing @ in a note box lists the people who may see the customer (asked from the box's
   data-mention-url, a JSON list); a tap, Enter or Tab writes "@username " in the text. */
(function () {
  "use strict";
  if (window.encaisseMentions) { return; }
  window.encaisseMentions = true;
  var TOKEN = /(^|[\s(])@([\w.+-]*)$/;
  var timer = null;

  function boxOf(target) {
    return target && target.closest ? target.closest("textarea[data-mention-url]") : null;
  }
  function listFor(area) { return area.parentElement.querySelector("[data-mention-list]"); }
  function close(area) {
    var list = listFor(area);
    if (list) { list.hidden = true; list.replaceChildren(); }
  }
  function tokenAt(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = TOKEN.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  }
  function pick(area, username) {
    var token = tokenAt(area);
    if (!token) { return; }
    var insert = "@" + username + " ";
    area.value = area.value.slice(0, token.start) + insert + area.value.slice(area.selectionStart);
    var caret = token.start + insert.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    close(area);
  }
  function show(area, users) {
    var list = listFor(area);
    list.replaceChildren();
    users.forEach(function (user, index) {
      var item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action py-2" + (index === 0 ? " active" : "");
      item.dataset.username = user.username;
      item.setAttribute("role", "option");
      item.setAttribute("data-testid", "mention-option");
      var name = document.createElement("span");
      name.textContent = user.name;
      var handle = document.createElement("span");
      handle.className = "small ms-2 opacity-75";
      handle.textContent = "@" + user.username;
      item.append(name, handle);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { pick(area, user.username); });
      list.append(item);
    });
    if (!users.length) {
      var empty = document.createElement("div");
      empty.className = "list-group-item small text-muted";
      empty.textContent = list.dataset.empty || "";
      list.append(empty);
    }
    list.hidden = false;
  }
  function lookup(area) {
    var token = tokenAt(area);
    if (!token) { close(area); return; }
    var url = area.dataset.mentionUrl + "?q=" + encodeURIComponent(token.query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { users: [] }; })
      .then(function (data) { if (tokenAt(area)) { show(area, data.users); } })
      .catch(function () { close(area); });
  }

  document.addEventListener("input", function (event) {
    var area = boxOf(event.target);
    if (!area) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(area); }, 150);
  });
  document.addEventListener("keydown", function (event) {
    var area = boxOf(event.target);
    if (!area) { return; }
    var list = listFor(area);
    if (!list || list.hidden) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-username]"));
    if (event.key === "Escape") { event.preventDefault(); close(area); return; }
    if (!items.length) { return; }
    var index = items.findIndex(function (item) { return item.classList.contains("active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (index >= 0) { items[index].classList.remove("active"); }
      index = (index + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[index].classList.add("active");
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      pick(area, items[Math.max(index, 0)].dataset.username);
    }
  });
  document.addEventListener("focusout", function (event) {
    var area = boxOf(event.target);
    if (area) { setTimeout(function () { if (document.activeElement !== area) { close(area); } }, 200); }
  });
})();
