// The case page: the print button, and the process diagram (bpmn-js navigated viewer) with its current
// steps highlighted. No inline handlers: the pages' Content-Security-Policy allows scripts from /static only.
(function () {
  const print = document.getElementById('print-case');
  if (print) print.addEventListener('click', () => window.print());
})();

(function () {
  const container = document.getElementById('diagram');
  if (!container) return;
  const viewer = new BpmnJS({ container: container });
  fetch(container.dataset.source, { headers: { Accept: 'application/json' } })
    .then(response => response.json())
    .then(diagram => viewer.importXML(diagram.bpmn_xml).then(() => {
      const canvas = viewer.get('canvas');
      canvas.zoom('fit-viewport');
      for (const id of diagram.current_task_ids) {
        try { canvas.addMarker(id, 'current-step'); } catch (e) { /* an id the diagram does not draw */ }
      }
      container.dataset.loaded = diagram.current_task_ids.join(' ');
    }))
    .catch(error => {
      container.textContent = container.dataset.failed + ' ' + error;
    });
})();
