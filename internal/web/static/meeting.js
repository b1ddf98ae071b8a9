// meeting.js — keeps a screen of the deliberation meeting in step with the
// chair. The server's event stream (data-events) sends the meeting's
// revision whenever something shown changes; the page is then fetched
// again and its live part (#seance) swapped in. While the person is
// filling in a form on the same item, only the parts marked data-live
// (counts, tallies, decisions) are swapped, so that a half-made choice is
// not lost. The new item is announced in a polite live region and the
// focus, if it was in the swapped part, goes to the item's heading.
// Without this script, or if the stream fails, the « Actualiser » link
// does the same by hand. No dependency, no inline style.
(function () {
  'use strict';

  var root = document.getElementById('seance');
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var revision = root.getAttribute('data-revision');
  var announcer = document.getElementById('seance-annonce');
  var busy = false;
  var again = false;
  var editing = false;

  // A change in a form of the live part means the person is choosing.
  function watch(el) {
    el.addEventListener('input', function () { editing = true; });
    el.addEventListener('change', function () { editing = true; });
  }

  function replaceLive(next) {
    next.querySelectorAll('[data-live][id]').forEach(function (el) {
      var old = document.getElementById(el.id);
      if (old) old.replaceWith(el);
    });
  }

  function replaceAll(next) {
    var hadFocus = root.contains(document.activeElement);
    root.replaceWith(next);
    root = next;
    editing = false;
    watch(root);
    if (announcer) announcer.textContent = root.getAttribute('data-announce') || '';
    if (hadFocus) {
      var heading = document.getElementById('point-titre');
      if (heading) heading.focus();
    }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var next = doc.getElementById('seance');
        if (!next) { window.location.reload(); return; }
        var sameItem = next.getAttribute('data-item') === root.getAttribute('data-item');
        revision = next.getAttribute('data-revision');
        if (sameItem && editing) {
          replaceLive(next);
          root.setAttribute('data-revision', revision);
        } else {
          replaceAll(document.importNode(next, true));
        }
      })
      .catch(function () { /* the next event or the « Actualiser » link will do */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  watch(root);
  var stream = new EventSource(root.getAttribute('data-events'));
  stream.onmessage = function (e) {
    if (e.data !== revision) refresh();
  };
})();
