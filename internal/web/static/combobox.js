// combobox.js — turns a search field marked data-combobox="/api/…" into an
// accessible combobox (WAI-ARIA 1.2 pattern, list autocomplete): as people
// type, matching bodies appear in a listbox under the field; the arrows
// move through them, Enter opens the chosen body's page (or, with
// data-combobox-fill, puts its key in the field), Escape closes the list.
// Without this script the field is a plain form field and the form works.
// No dependency, no inline style: the list is shown and hidden with the
// `hidden` attribute, and styled by app.css.
(function () {
  'use strict';

  var DELAY = 200; // ms after the last key before asking the server
  var MIN_CHARS = 2;
  var MAX_OPTIONS = 10;
  var count = 0;

  function init(input) {
    var n = ++count;
    var fill = input.hasAttribute('data-combobox-fill');
    var endpoint = input.getAttribute('data-combobox');
    var messages = input.closest('[data-msg-many]') || input;
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (!endpoint || !input.id || !label) return;
    if (!label.id) label.id = input.id + '-label';

    var list = document.createElement('ul');
    list.id = input.id + '-listbox';
    list.className = 'combobox-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-labelledby', label.id);
    list.hidden = true;

    var status = document.createElement('div');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(status, list.nextSibling);

    var results = [];
    var active = -1;
    var timer = 0;
    var pending = null;
    var asked = '';

    function message(k) {
      var m = messages.getAttribute('data-msg-' + (k === 0 ? 'none' : k === 1 ? 'one' : 'many')) || '';
      return m.replace('#', String(k));
    }

    function open() {
      if (results.length === 0) return close();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      select(-1);
    }

    function select(i) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = i;
      if (i < 0 || !options[i]) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[i].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    }

    function render(data) {
      results = (data.results || []).slice(0, MAX_OPTIONS);
      list.textContent = '';
      active = -1;
      results.forEach(function (r, i) {
        var li = document.createElement('li');
        li.id = 'cb' + n + '-opt-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var name = document.createElement('span');
        name.className = 'combobox-name';
        name.textContent = r.label || r.name;
        var meta = document.createElement('span');
        meta.className = 'combobox-meta';
        meta.textContent = ' ' + [r.kind_label, r.insee || r.siren].filter(Boolean).join(' · ');
        li.appendChild(name);
        li.appendChild(meta);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep focus in the field
        li.addEventListener('click', function () { choose(i); });
        list.appendChild(li);
      });
      status.textContent = message(results.length);
      open();
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) {
        results = [];
        asked = '';
        close();
        return;
      }
      if (q === asked) return open();
      asked = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(endpoint + '?q=' + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() === q && document.activeElement === input) render(data);
        })
        .catch(function () { /* aborted or offline: the plain form still works */ });
    }

    function choose(i) {
      var r = results[i];
      if (!r) return;
      var path = new URL(r.url, window.location.href).pathname;
      if (!fill) {
        window.location.assign(path);
        return;
      }
      input.value = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
      asked = input.value;
      close();
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });

    input.addEventListener('keydown', function (e) {
      var expanded = !list.hidden;
      switch (e.key) {
        case 'ArrowDown':
          e.preventDefault();
          if (!expanded) {
            open();
            if (!e.altKey && results.length) select(0);
          } else {
            select(active + 1 < results.length ? active + 1 : 0);
          }
          break;
        case 'ArrowUp':
          e.preventDefault();
          if (!expanded) open();
          if (results.length) select(active > 0 ? active - 1 : results.length - 1);
          break;
        case 'Enter':
          if (expanded && active >= 0) {
            e.preventDefault();
            choose(active);
          }
          break;
        case 'Escape':
          if (expanded) {
            e.preventDefault();
            close();
          } else if (input.value) {
            e.preventDefault();
            input.value = '';
            results = [];
            asked = '';
          }
          break;
        case 'Tab':
          close();
          break;
      }
    });

    input.addEventListener('blur', function () { close(); });
  }

  function start() {
    var inputs = document.querySelectorAll('input[data-combobox]');
    for (var i = 0; i < inputs.length; i++) init(inputs[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
