{#- The review queue's keys: j / k move to the next / previous item, c to its comment; a page opened at an item focuses it. ksb serve puts its sha256 in the learner page's Content-Security-Policy. -#}
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.queue > li.item"));
  if (!items.length) return;
  function current() {
    var active = document.activeElement;
    for (var i = 0; i < items.length; i++) { if (items[i] === active || items[i].contains(active)) return i; }
    return -1;
  }
  function go(index) { items[index].focus(); items[index].scrollIntoView({block: "nearest"}); }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target && /^(TEXTAREA|INPUT|SELECT)$/.test(target.tagName)) return;
    var at = current();
    if (event.key === "j") { go(Math.min(at + 1, items.length - 1)); event.preventDefault(); }
    else if (event.key === "k") { go(Math.max(at - 1, 0)); event.preventDefault(); }
    else if (event.key === "c" && at >= 0) { items[at].querySelector("textarea").focus(); event.preventDefault(); }
  });
  if (location.hash) {
    var start = document.getElementById(location.hash.slice(1));
    if (start && items.indexOf(start) >= 0) start.focus();
  }
})();
{#- nothing after the script, not even a newline: the hash covers exactly the text above -#}