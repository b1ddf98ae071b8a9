// autosave.js — saves each answer of a section form on its own, about a
// second after typing stops (at once for choices), through the endpoint
// named by the form's data-autosave. It keeps each question's answer
// version (v.<id>) up to date, announces "Enregistré" and errors in the
// question's polite status region, offers a choice when someone else saved
// the answer meanwhile, shows conditional questions as soon as their
// controlling answer changes, updates the indicative score, and warns
// before leaving while a save is pending or failed. Without this script
// the form is saved by its buttons. No dependency, no inline style.
(function () {
  'use strict';

  var DELAY = 1000; // ms after the last key before saving
  var RETRY = 5000; // ms before retrying after a network failure
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var endpoint = form.getAttribute('data-autosave');
  var states = {};
  var leaving = false;
  var closed = false;

  function msg(name) { return form.getAttribute('data-msg-' + name) || ''; }

  function boxOf(el) { return el.closest ? el.closest('[data-question]') : null; }

  function box(id) { return form.querySelector('[data-question="' + id + '"]'); }

  function state(id) {
    if (!states[id]) states[id] = { timer: 0, pending: false, failed: false, busy: false, again: false };
    return states[id];
  }

  function say(id, text) {
    var el = document.getElementById('status-' + id);
    if (el) el.textContent = text;
  }

  // fields collects one question's answer fields and version, as the
  // plain form would post them.
  function fields(id) {
    var params = new URLSearchParams();
    params.append('q', id);
    var b = box(id);
    b.querySelectorAll('input, select, textarea').forEach(function (el) {
      if (!el.name || el.disabled || el.type === 'file') return;
      if (el.name.indexOf('a.') !== 0 && el.name.indexOf('v.') !== 0) return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      params.append(el.name, el.value);
    });
    return params;
  }

  function setVersion(id, version) {
    document.querySelectorAll('input[name="v.' + id + '"]').forEach(function (el) {
      el.value = String(version);
    });
  }

  function schedule(id, delay) {
    if (closed) return;
    var s = state(id);
    s.pending = true;
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(id); }, delay);
  }

  function save(id) {
    var s = state(id);
    if (s.busy) { s.again = true; return; }
    s.busy = true;
    s.again = false;
    say(id, msg('saving'));
    fetch(endpoint, {
      method: 'POST', body: fields(id), credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (res) {
      return res.json().then(function (data) { return { status: res.status, data: data }; });
    }).then(function (r) {
      s.busy = false;
      answer(id, r.status, r.data);
      if (s.again) save(id);
    }).catch(function () {
      s.busy = false;
      s.failed = true;
      say(id, msg('error') + msg('network'));
      clearTimeout(s.timer);
      s.timer = setTimeout(function () { save(id); }, RETRY);
    });
  }

  function answer(id, status, data) {
    var s = state(id);
    clearConflict(id);
    if (status === 200 && data.status === 'saved') {
      setVersion(id, data.version);
      if (!s.again) { s.pending = false; }
      s.failed = false;
      say(id, msg('saved'));
      score(data);
    } else if (status === 409 && data.status === 'conflict') {
      s.pending = false;
      s.failed = true;
      conflict(id, data);
    } else if (status === 403 && data.status === 'closed') {
      close(data.message);
    } else {
      s.pending = false;
      s.failed = true;
      say(id, msg('error') + (data && data.message ? data.message : ''));
    }
  }

  function score(data) {
    var lang = document.documentElement.lang || 'fr';
    var fmt = function (x) { return Number(x).toLocaleString(lang, { maximumFractionDigits: 2 }); };
    var el = document.getElementById('section-score');
    if (el && data.section) {
      el.textContent = msg('score').replace('{points}', fmt(data.section.points)).replace('{max}', fmt(data.section.max));
    }
    var total = document.getElementById('app-score');
    if (total && data.total) {
      total.textContent = msg('total').replace('{points}', fmt(data.total.points)).replace('{max}', fmt(data.total.max));
    }
  }

  // conflict shows the newer answer beside the field, with a button to
  // keep one's own (saved again over the newer version) and one to take
  // the newer answer into the field.
  function conflict(id, data) {
    var panel = document.createElement('div');
    panel.className = 'conflict';
    panel.setAttribute('data-conflict', '');
    var p = document.createElement('p');
    p.textContent = msg('conflict') + (data.savedBy ? ' (' + data.savedBy + ')' : '');
    var shown = document.createElement('p');
    shown.className = 'answer';
    shown.textContent = data.display;
    var keep = button(msg('keep'), function () {
      setVersion(id, data.version);
      clearConflict(id);
      save(id);
    });
    var take = button(msg('take'), function () {
      clearConflict(id);
      if (!fill(id, data.value)) { leaving = true; window.location.reload(); return; }
      setVersion(id, data.version);
      state(id).failed = false;
      say(id, msg('saved'));
      refreshConditions();
    });
    take.className = 'secondary';
    panel.append(p, shown, keep, take);
    var status = document.getElementById('status-' + id);
    status.parentNode.insertBefore(panel, status);
    say(id, msg('conflict') + ' ' + data.display);
  }

  function button(text, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  function clearConflict(id) {
    var old = box(id).querySelector('[data-conflict]');
    if (old) old.remove();
  }

  // fill puts a canonical value into a question's fields; it returns false
  // when the page lacks room for it (more table rows than shown).
  function fill(id, value) {
    var b = box(id);
    var type = b.getAttribute('data-type');
    var name = 'a.' + id;
    var list = [];
    if (value && (type === 'multiple' || type === 'software' || type === 'table')) list = JSON.parse(value);
    if (type === 'table') return fillTable(b, id, list);
    var inputs = b.querySelectorAll('[name="' + name + '"]');
    if (type === 'software') {
      if (list.length > inputs.length) return false;
      inputs.forEach(function (el, i) { el.value = list[i] || ''; });
      return true;
    }
    inputs.forEach(function (el) {
      if (el.type === 'radio') el.checked = el.value === value;
      else if (el.type === 'checkbox') el.checked = list.indexOf(el.value) >= 0;
      else el.value = value;
    });
    return true;
  }

  function fillTable(b, id, rows) {
    var cells = b.querySelectorAll('[name^="a.' + id + '."]');
    var byName = {};
    cells.forEach(function (el) { byName[el.name] = el; el.value = ''; });
    var cols = [];
    b.querySelectorAll('tbody tr:first-child [name]').forEach(function (el) {
      cols.push(el.name.split('.').pop());
    });
    for (var r = 0; r < rows.length; r++) {
      for (var c = 0; c < cols.length; c++) {
        var el = byName['a.' + id + '.' + r + '.' + cols[c]];
        if (!el) return false;
        el.value = rows[r][c] || '';
      }
    }
    return true;
  }

  // close disables the form when the server says the application is
  // read-only (the deadline passed while the page was open).
  function close(message) {
    closed = true;
    Object.keys(states).forEach(function (id) {
      clearTimeout(states[id].timer);
      states[id].pending = false;
      states[id].failed = false;
    });
    form.querySelectorAll('input, select, textarea, button').forEach(function (el) { el.disabled = true; });
    var alert = document.createElement('div');
    alert.className = 'error-summary';
    alert.setAttribute('role', 'alert');
    alert.textContent = message;
    form.parentNode.insertBefore(alert, form);
  }

  // Conditional questions: shown when their controlling question is
  // shown and has one of the listed values.
  function valuesOf(id) {
    var b = box(id);
    if (!b || b.hidden) return [];
    var out = [];
    b.querySelectorAll('[name="a.' + id + '"]').forEach(function (el) {
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      if (el.value) out.push(el.value);
    });
    return out;
  }

  function refreshConditions() {
    var dependents = form.querySelectorAll('[data-show-if]');
    for (var pass = 0; pass < 3; pass++) {
      dependents.forEach(function (el) {
        var wanted = JSON.parse(el.getAttribute('data-show-values') || '[]');
        var have = valuesOf(el.getAttribute('data-show-if'));
        el.hidden = !have.some(function (v) { return wanted.indexOf(v) >= 0; });
      });
    }
  }

  function changed(e, immediate) {
    var b = boxOf(e.target);
    if (!b || !e.target.name || e.target.type === 'file') return;
    var id = b.getAttribute('data-question');
    if (b.getAttribute('data-type') === 'file') return;
    refreshConditions();
    var t = e.target.type;
    var choice = t === 'radio' || t === 'checkbox' || e.target.tagName === 'SELECT';
    schedule(id, immediate || choice ? 0 : DELAY);
  }

  form.addEventListener('input', function (e) { changed(e, false); });
  form.addEventListener('change', function (e) { changed(e, true); });
  document.addEventListener('submit', function () { leaving = true; });
  window.addEventListener('beforeunload', function (e) {
    if (leaving || closed) return;
    var unsaved = Object.keys(states).some(function (id) {
      var s = states[id];
      return s.pending || s.busy || s.failed;
    });
    if (unsaved) {
      e.preventDefault();
      e.returnValue = msg('leave');
      return msg('leave');
    }
  });
})();
