/*
 * recorder-dock page script: live updates of the "Now" table and small niceties (print buttons,
 * confirmations, refreshing a page while a job runs). Plain ES2017 (no optional chaining or
 * newer DOM calls) so that the Chromium 6x–8x engines of office PC browsers run it; no libraries,
 * no build step. Data from the server is only ever written with textContent and
 * setAttribute, never as HTML.
 */
(() => {
  const POLL_MS = 1000;

  // The page's copy of agent/reports/byte-format.ts (no build step); a unit test keeps them equal.
  const formatBytes = (bytes) => {
    if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = bytes;
    let u = 0;
    while (u < units.length - 1 && Math.abs(Number(v.toFixed(1))) >= 1024) {
      v /= 1024;
      u++;
    }
    return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[u]}`;
  };

  const formatSeconds = (seconds) => {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  };

  const formatTime = (iso, timeZone) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    try {
      const p = {};
      const fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: timeZone || undefined,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
      for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
      // Older engines ignore hourCycle and may write midnight as 24.
      const hour = p.hour === '24' ? '00' : p.hour;
      return `${p.year}-${p.month}-${p.day} ${hour}:${p.minute}:${p.second}`;
    } catch (_unknownZone) {
      return d.toLocaleString();
    }
  };

  const setText = (el, text) => {
    if (el && el.textContent !== text) el.textContent = text;
  };

  const cell = (tr, name) => tr.querySelector(`[data-field="${name}"]`);

  const progressText = (p) => {
    if (!p) return '';
    const eta =
      p.etaSeconds === null || p.etaSeconds === undefined ? '' : ` · ${formatSeconds(p.etaSeconds)}`;
    return `${p.phase} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} · ${formatBytes(p.bytesPerSecond)}/s${eta}`;
  };

  const newRow = (deviceKey) => {
    const tr = document.createElement('tr');
    tr.setAttribute('data-device-key', deviceKey);
    for (const name of ['serial', 'officer', 'step', 'battery', 'storage', 'files']) {
      const td = document.createElement('td');
      td.setAttribute('data-field', name);
      if (name === 'battery' || name === 'storage' || name === 'files') td.className = 'num';
      tr.appendChild(td);
    }
    const progressCell = document.createElement('td');
    progressCell.className = 'progress-cell';
    const progress = document.createElement('progress');
    progress.setAttribute('data-field', 'progress');
    const text = document.createElement('span');
    text.setAttribute('data-field', 'progress-text');
    progressCell.append(progress, ' ', text);
    tr.appendChild(progressCell);
    const actions = document.createElement('td');
    actions.setAttribute('data-field', 'actions');
    tr.appendChild(actions);
    return tr;
  };

  /** Accept / reject buttons of a held recorder, cloned from the page's template. */
  const fillActions = (tr, r) => {
    const actions = cell(tr, 'actions');
    const template = document.getElementById('held-actions-template');
    const wanted = r.held && r.serial && template ? r.serial : '';
    if (actions.getAttribute('data-for') === wanted && (wanted === '' || actions.querySelector('form')))
      return;
    while (actions.firstChild) actions.removeChild(actions.firstChild);
    actions.setAttribute('data-for', wanted);
    if (!wanted) return;
    actions.appendChild(document.importNode(template.content, true));
    for (const form of actions.querySelectorAll('form[data-decision]')) {
      form.setAttribute(
        'action',
        `/recorders/${encodeURIComponent(wanted)}/${form.getAttribute('data-decision')}`,
      );
    }
  };

  const storageText = (r) => {
    if (r.freeBytes === null || r.freeBytes === undefined) return '';
    if (r.totalBytes === null || r.totalBytes === undefined) return formatBytes(r.freeBytes);
    return `${formatBytes(r.freeBytes)} / ${formatBytes(r.totalBytes)}`;
  };

  let stepLabels = null;
  const stepLabel = (table, step) => {
    if (stepLabels === null) {
      try {
        stepLabels = Object.assign(
          Object.create(null),
          JSON.parse(table.getAttribute('data-step-labels') || '{}'),
        );
      } catch (_malformed) {
        stepLabels = {};
      }
    }
    return step in stepLabels ? String(stepLabels[step]) : step;
  };

  const fillRow = (tr, r, table) => {
    tr.setAttribute('data-serial', r.serial || '');
    tr.setAttribute('data-held', String(Boolean(r.held)));
    tr.className = r.held ? 'held' : '';
    setText(cell(tr, 'serial'), r.serial || '');
    setText(cell(tr, 'officer'), r.officerNo || '');
    setText(
      cell(tr, 'step'),
      r.held ? table.getAttribute('data-held-label') || 'held' : stepLabel(table, r.step),
    );
    setText(cell(tr, 'battery'), r.batteryPct === null ? '' : `${Math.round(r.batteryPct)}%`);
    setText(cell(tr, 'storage'), storageText(r));
    setText(cell(tr, 'files'), `${r.filesDone} / ${r.filesTotal}`);
    const p = r.progress;
    const bar = cell(tr, 'progress');
    bar.setAttribute('data-bytes-done', String(p ? p.bytesDone : 0));
    bar.setAttribute('data-bytes-total', String(p ? p.bytesTotal : 0));
    bar.max = p && p.bytesTotal > 0 ? p.bytesTotal : 1;
    bar.value = p ? p.bytesDone : 0;
    bar.hidden = !p;
    setText(cell(tr, 'progress-text'), progressText(p));
    fillActions(tr, r);
  };

  const emptyRow = (table) => {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    const td = document.createElement('td');
    td.colSpan = table.tHead.rows[0].cells.length;
    td.textContent = table.getAttribute('data-empty-label') || '';
    tr.appendChild(td);
    return tr;
  };

  const renderNow = (table, view) => {
    const tbody = table.tBodies[0];
    const rows = new Map();
    for (const tr of Array.from(tbody.rows)) {
      const key = tr.getAttribute('data-device-key');
      if (key === null) tr.remove();
      else rows.set(key, tr);
    }
    const seen = new Set();
    for (const r of view.recorders) {
      const tr = rows.get(r.deviceKey) || newRow(r.deviceKey);
      fillRow(tr, r, table);
      tbody.appendChild(tr);
      seen.add(r.deviceKey);
    }
    for (const [key, tr] of rows) if (!seen.has(key)) tr.remove();
    if (view.recorders.length === 0) tbody.appendChild(emptyRow(table));
    setText(document.getElementById('usb-bus'), view.usbBus);
    setText(document.getElementById('forwarder-state'), view.forwarder ? view.forwarder.state : '');
    setText(
      document.getElementById('forwarder-backlog'),
      view.forwarder ? String(view.forwarder.backlog) : '',
    );
    setText(document.getElementById('now-at'), formatTime(view.at, table.getAttribute('data-time-zone')));
  };

  const pollNow = (table) => {
    const status = document.getElementById('poll-status');
    const url = table.getAttribute('data-poll');
    let busy = false;
    const tick = async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const res = await fetch(url, {
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
          cache: 'no-store',
        });
        if (res.status === 401) {
          window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
          return;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const view = await res.json();
        renderNow(table, view);
        setText(status, '');
        table.setAttribute('data-updated', view.at);
      } catch (_offline) {
        setText(status, table.getAttribute('data-poll-error') || '');
      } finally {
        busy = false;
      }
    };
    setInterval(tick, POLL_MS);
  };

  const init = () => {
    for (const button of document.querySelectorAll('[data-action="print"]')) {
      button.addEventListener('click', () => window.print());
    }
    // Delegated, so that forms app.js adds later (held recorders) ask too.
    document.addEventListener('submit', (event) => {
      const form = event.target;
      if (form.hasAttribute('data-confirm') && !window.confirm(form.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
    const refresh = document.querySelector('[data-refresh]');
    if (refresh) {
      const seconds = Number(refresh.getAttribute('data-refresh')) || 2;
      setTimeout(() => window.location.reload(), seconds * 1000);
    }
    const now = document.getElementById('now-recorders');
    const pollUrl = now ? now.getAttribute('data-poll') : null;
    if (pollUrl && window.fetch) pollNow(now);
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
