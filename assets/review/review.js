/* Keyboard shortcuts for the review pages (the only script of ours; everything also works
   without it: every action is a plain form button). j/k next/previous, a approve, r reject,
   e edit; on the queue o/Enter opens and / searches; on a dog page n/p next/previous dog and
   u goes back to the queue. */
/* global document, window */
(function () {
  "use strict";

  var selected = -1;

  function page() {
    return document.body ? document.body.getAttribute("data-page") : "";
  }

  function targets() {
    var selector = page() === "queue" ? "[data-row]" : "[data-item]";
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  function typing(element) {
    if (!element || !element.tagName) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  function select(index, focus) {
    var list = targets();
    if (list.length === 0) return;
    index = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (el) {
      el.removeAttribute("data-selected");
    });
    var el = list[index];
    el.setAttribute("data-selected", "true");
    selected = index;
    if (focus) {
      var link = page() === "queue" ? el.querySelector("[data-open]") : null;
      (link || el).focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest" });
    }
  }

  function current() {
    var list = targets();
    return selected >= 0 && selected < list.length ? list[selected] : null;
  }

  function follow(element) {
    if (element && element.href) window.location.assign(element.href);
  }

  function openEditor(item) {
    var panel = item.querySelector("details[data-edit]");
    if (!panel) return;
    panel.open = true;
    var field = panel.querySelector("[data-edit-field], textarea, input[type=text]");
    if (field) field.focus();
  }

  function init() {
    var list = targets();
    selected = -1;
    if (list.length === 0) return;
    var wanted = list.findIndex(function (el) {
      return el.getAttribute("data-focus") === "true";
    });
    select(wanted >= 0 ? wanted : 0, wanted >= 0 || page() === "queue");
    var item = current();
    if (page() === "dog" && item) {
      var open = item.querySelector("details[data-edit][open]");
      if (open) openEditor(item);
      if (window.location.hash.indexOf("#reject-") === 0) {
        var reason = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
        if (reason) reason.focus();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var item = current();
    var handled = true;
    switch (event.key) {
      case "j":
        select(selected + 1, true);
        break;
      case "k":
        select(selected - 1, true);
        break;
      case "a": {
        var approve = item && item.querySelector("[data-approve]");
        if (approve) approve.click();
        break;
      }
      case "r":
        if (page() === "queue") follow(item && item.querySelector("[data-reject]"));
        else {
          var reason = item && item.querySelector("[data-reject-reason]");
          if (reason) reason.focus();
        }
        break;
      case "e":
        if (page() === "queue") follow(item && item.querySelector("[data-edit]"));
        else if (item) openEditor(item);
        break;
      case "o":
        if (page() === "queue") follow(item && item.querySelector("[data-open]"));
        else handled = false;
        break;
      case "/": {
        var search = document.getElementById("queue-search");
        if (search) search.focus();
        else handled = false;
        break;
      }
      case "n":
        follow(document.querySelector("[data-shortcut=next-dog]"));
        break;
      case "p":
        follow(document.querySelector("[data-shortcut=prev-dog]"));
        break;
      case "u":
        follow(document.querySelector("[data-shortcut=back]"));
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  // Tabbing or clicking into a row or result selects it, so the shortcuts act on it.
  document.addEventListener("focusin", function (event) {
    var list = targets();
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(event.target)) {
        if (i !== selected) select(i, false);
        return;
      }
    }
  });

  // An evidence link lights up its quote in the listing.
  function light(event, on) {
    var ref = event.target && event.target.closest ? event.target.closest(".quote-ref") : null;
    if (!ref) return;
    var number = ref.getAttribute("href").replace("#quote-", "");
    document.querySelectorAll("mark.quote").forEach(function (mark) {
      var numbers = (mark.getAttribute("data-quotes") || "").split(" ");
      if (numbers.indexOf(number) >= 0) mark.classList.toggle("lit", on);
    });
  }
  document.addEventListener("mouseover", function (e) {
    light(e, true);
  });
  document.addEventListener("mouseout", function (e) {
    light(e, false);
  });
  document.addEventListener("focusin", function (e) {
    light(e, true);
  });
  document.addEventListener("focusout", function (e) {
    light(e, false);
  });

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
