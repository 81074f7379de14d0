// 版本比较: both versions' diagrams side by side (bpmn-js viewers), the elements the server found added,
// changed or removed marked; moving or zooming one diagram moves the other along.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('diff-data').textContent);
  var viewers = {};

  function show(key, xml, marks) {
    var viewer = new BpmnJS({ container: '#diff-' + key });
    viewers[key] = viewer;
    return viewer.importXML(xml).then(function () {
      var canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      Object.keys(marks).forEach(function (marker) {
        marks[marker].forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, marker); });
      });
    });
  }

  function follow(from, to) {
    viewers[from].on('canvas.viewbox.changed', function (event) {
      if (following) return;
      following = true;
      viewers[to].get('canvas').viewbox(event.viewbox);
      following = false;
    });
  }
  var following = false;

  Promise.all([
    show('old', data.old, { 'diff-removed': data.removed, 'diff-changed': data.changed }),
    show('new', data['new'], { 'diff-added': data.added, 'diff-changed': data.changed })
  ]).then(function () {
    viewers.new.get('canvas').viewbox(viewers.old.get('canvas').viewbox());
    follow('old', 'new');
    follow('new', 'old');
    document.body.setAttribute('data-diff-ready', '1');  // for the browser tests
  });
  window.designerDiffViewers = viewers;
})();
