// The case page: the print button, and the process diagram (bpmn-js navigated viewer: wheel zoom, drag to
// move, +/−/fit buttons). Steps are marked done / current / overdue; a click on a step, or Enter on a focused
// step, shows who worked it and when. The data comes from the page's diagram.json (no inline scripts: the
// pages' Content-Security-Policy allows scripts from /static only); every text is already translated.
(function () {
  const print = document.getElementById('print-case');
  if (print) print.addEventListener('click', () => window.print());
})();

(function () {
  const container = document.getElementById('diagram');
  if (!container) return;
  const texts = JSON.parse(container.dataset.texts || '{}');
  const panel = document.getElementById('diagram-step');
  const MARKERS = { done: 'done-step', current: 'current-step', overdue: 'overdue-step' };
  const viewer = new BpmnJS({ container: container });
  const canvas = viewer.get('canvas');

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function holder(visit) {
    if (visit.completed_by) return visit.completed_by;
    const chinese = document.documentElement.lang.startsWith('zh');
    return (visit.assignee || texts.shared) + (chinese ? '（' : ' (') + visit.texts.role + (chinese ? '）' : ')');
  }

  function visitRow(visit) {
    const row = element('tr', visit.overdue ? 'table-danger' : '');
    const state = visit.texts.status + (visit.overdue ? ' · ' + texts.overdue : '');
    for (const value of [visit.round, state, holder(visit), visit.texts.opened, visit.texts.completed,
      visit.texts.due]) {
      row.appendChild(element('td', '', value === null || value === undefined ? '' : String(value)));
    }
    return row;
  }

  function showStep(shape, step) {
    panel.replaceChildren();
    const name = (shape.businessObject && shape.businessObject.name) || (step && step.title) || shape.id;
    panel.appendChild(element('h3', 'h6', texts.step + '：' + name));
    if (!step) {
      panel.appendChild(element('p', 'text-muted small', texts.none));
    } else {
      const table = element('table', 'table table-sm small mb-2');
      const head = element('tr');
      for (const title of [texts.round, texts.state, texts.by + ' / ' + texts.holder, texts.opened, texts.completed,
        texts.due]) {
        const th = element('th', '', title);
        th.scope = 'col';
        head.appendChild(th);
      }
      table.appendChild(element('thead')).appendChild(head);
      const body = table.appendChild(element('tbody'));
      step.visits.forEach(visit => body.appendChild(visitRow(visit)));
      panel.appendChild(table);
    }
    panel.hidden = false;
    panel.dataset.element = shape.id;
  }

  function isStep(shape, steps) {
    return Boolean(steps[shape.id]) || /Task$/.test(shape.type || '');
  }

  function markSteps(diagram) {
    const registry = viewer.get('elementRegistry');
    const steps = {};
    for (const step of diagram.steps) steps[step.element_id] = step;
    for (const step of diagram.steps) {
      if (registry.get(step.element_id) && MARKERS[step.state]) canvas.addMarker(step.element_id, MARKERS[step.state]);
    }
    for (const shape of registry.filter(shape => !shape.waypoints && isStep(shape, steps))) {
      const gfx = registry.getGraphics(shape);
      const name = (shape.businessObject && shape.businessObject.name) || shape.id;
      gfx.setAttribute('tabindex', '0');
      gfx.setAttribute('role', 'button');
      gfx.setAttribute('aria-label', texts.step_label.replace('{name}', name));
      canvas.addMarker(shape.id, 'has-step');
    }
    viewer.on('element.click', event => {
      if (isStep(event.element, steps)) showStep(event.element, steps[event.element.id]);
    });
    container.addEventListener('keydown', event => {
      const gfx = event.target.closest && event.target.closest('.djs-element[data-element-id]');
      if (!gfx || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      const shape = registry.get(gfx.getAttribute('data-element-id'));
      if (shape) showStep(shape, steps[shape.id]);
    });
    container.dataset.marked = diagram.steps.map(step => step.element_id + ':' + step.state).join(' ');
  }

  function bindZoom() {
    const zoomScroll = viewer.get('zoomScroll');
    const actions = { in: () => zoomScroll.stepZoom(1), out: () => zoomScroll.stepZoom(-1),
      fit: () => canvas.zoom('fit-viewport', 'auto') };
    for (const button of document.querySelectorAll('#diagram-zoom [data-zoom]')) {
      button.addEventListener('click', () => actions[button.dataset.zoom]());
    }
    const record = () => { container.dataset.zoom = canvas.zoom().toFixed(3); };
    viewer.on('canvas.viewbox.changed', record);
    record();
  }

  fetch(container.dataset.source, { headers: { Accept: 'application/json' } })
    .then(response => response.json())
    .then(diagram => viewer.importXML(diagram.bpmn_xml).then(() => {
      canvas.zoom('fit-viewport', 'auto');
      markSteps(diagram);
      bindZoom();
      container.dataset.loaded = diagram.current_task_ids.join(' ');
    }))
    .catch(error => {
      container.textContent = container.dataset.failed + ' ' + error;
    });
})();
