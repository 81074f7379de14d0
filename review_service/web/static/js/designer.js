// 流程设计: the bpmn-js modeler (Chinese labels), the profile form (json-editor) and the Validate / Publish
// buttons. The server is the authority: both buttons post the draft and show what it answers.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('designer-data').textContent);
  var T = data.texts;
  var chinese = document.documentElement.lang !== 'en';
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById('designer-status');
  var buttons = [document.getElementById('validate-button'), document.getElementById('publish-button')];
  var SPIFF = 'spiffworkflow:';

  // bpmn-js-i18n's dictionary (window.BPMN_JS_ZH) behind bpmn-js's translate service.
  function translate(template, replacements) {
    var text = (chinese && window.BPMN_JS_ZH && window.BPMN_JS_ZH[template]) || template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, function (_, key) {
      return replacements[key] !== undefined ? replacements[key] : '{' + key + '}';
    });
  }

  var modeler = new BpmnJS({
    container: '#designer-canvas',
    additionalModules: [{ translate: ['value', translate] }]
  });
  window.designerModeler = modeler;  // for the browser tests

  var profileEditor = new JSONEditor(document.getElementById('designer-profile'), {
    schema: data.profile_schema, startval: data.profile || undefined, theme: 'bootstrap5',
    show_opt_in: true, disable_edit_json: true, disable_properties: true, disable_array_delete_last_row: true,
    disable_array_delete_all_rows: true, prompt_before_delete: false, show_errors: 'always'
  });
  window.designerProfile = profileEditor;

  // What the designer changed: only a changed diagram is sent; leaving with unpublished changes asks first.
  // (json-editor reports a change of its own after it is ready, so the profile is compared by value.)
  var changed = { diagram: false, published: false };
  var initialProfile = null;
  profileEditor.on('ready', function () { initialProfile = JSON.stringify(profileEditor.getValue()); });
  function profileChanged() {
    return initialProfile !== null && JSON.stringify(profileEditor.getValue()) !== initialProfile;
  }
  window.addEventListener('beforeunload', function (event) {
    if (!changed.published && (changed.diagram || profileChanged())) event.preventDefault();
  });

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The elements the last validation found problems on: a red marker and a badge on each.
  var marked = [];
  function markProblems(problems) {
    var canvas = modeler.get('canvas'), overlays = modeler.get('overlays'), registry = modeler.get('elementRegistry');
    marked.forEach(function (id) { if (registry.get(id)) canvas.removeMarker(id, 'designer-problem'); });
    overlays.remove({ type: 'designer-problem' });
    marked = [];
    (problems || []).forEach(function (problem) {
      var shape = problem.element && registry.get(problem.element);
      if (!shape || marked.indexOf(problem.element) >= 0) return;
      marked.push(problem.element);
      canvas.addMarker(problem.element, 'designer-problem');
      var badge = element('span', { 'class': 'designer-problem-badge', title: problem.message }, '!');
      overlays.add(problem.element, 'designer-problem', { position: { top: -10, right: 10 }, html: badge });
    });
  }

  function say(kind, message, problems) {
    markProblems(problems);
    status.replaceChildren();
    var box = element('div', { 'class': 'alert alert-' + kind + ' mb-0', id: 'designer-message' });
    box.appendChild(element('div', { 'class': 'fw-bold' }, message));
    if (problems && problems.length) {
      if (marked.length) box.appendChild(element('div', { 'class': 'small' }, T.marked));
      box.appendChild(problemTable(problems));
    }
    status.appendChild(box);
  }

  function problemTable(problems) {
    var table = element('table', { 'class': 'table table-sm mb-0 mt-2', id: 'designer-problems' });
    var head = table.createTHead().insertRow();
    [T.file, T.element, T.line, T.problem].forEach(function (title) { head.appendChild(element('th', {}, title)); });
    var body = table.createTBody();
    problems.forEach(function (problem) {
      var row = body.insertRow();
      row.appendChild(element('td', {}, problem.file || '—'));
      var cell = row.appendChild(element('td'));
      if (problem.element && modeler.get('elementRegistry').get(problem.element)) {
        var shape = modeler.get('elementRegistry').get(problem.element);
        var label = (shape.businessObject.name ? shape.businessObject.name + ' ' : '') + '(' + problem.element + ')';
        var link = cell.appendChild(element('a', { href: '#', 'data-element': problem.element }, label));
        link.addEventListener('click', function (event) { event.preventDefault(); focusElement(problem.element); });
      } else {
        cell.textContent = problem.element || '—';
      }
      row.appendChild(element('td', {}, problem.line || '—'));
      row.appendChild(element('td', {}, problem.message));
    });
    return table;
  }

  function focusElement(id) {
    var shape = modeler.get('elementRegistry').get(id);
    modeler.get('selection').select(shape);
    modeler.get('canvas').scrollToElement(shape);
  }

  function busy(on) { buttons.forEach(function (button) { button.disabled = on; }); }

  async function send(url, note) {
    var body = new FormData();
    if (note !== undefined) body.append('note', note);
    if (changed.diagram) {  // else the server keeps the diagram as it is, byte for byte
      body.append('bpmn', (await modeler.saveXML({ format: true })).xml + '\n');
    }
    body.append('profile', JSON.stringify(profileEditor.getValue(), null, 2) + '\n');
    body.append('base_hash', data.base_hash);
    var response = await fetch(url, { method: 'POST', body: body, credentials: 'same-origin',
                                      headers: { 'X-CSRFToken': csrf, 'Accept': 'application/json' } });
    var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
    if (!json) {  // e.g. the login page after the session expired, or an error page
      return { ok: false, payload: { message: T.failed + ' ' + response.status + ' ' + (response.redirected ? T.session : response.statusText) } };
    }
    return { ok: response.ok, payload: await response.json() };
  }

  async function run(url, progress, done, note) {
    busy(true);
    say('secondary', progress);
    try {
      var answer = await send(url, note);
      if (answer.ok) {
        done(answer.payload);
      } else {
        var text = answer.payload.problems && answer.payload.problems.length ? T.invalid : answer.payload.message;
        say('danger', text, answer.payload.problems);
      }
    } catch (error) {
      say('danger', T.failed + ' ' + error.message);
    } finally {
      busy(false);
    }
  }

  document.getElementById('validate-button').addEventListener('click', function () {
    run(data.validate_url, T.checking, function (payload) {
      if (payload.valid) say('success', T.valid); else say('danger', T.invalid, payload.problems);
    });
  });
  // Publishing: a dialog says what is published for which agency and asks for the change note first.
  var dialogNode = document.getElementById('publish-dialog');
  var dialog = new bootstrap.Modal(dialogNode);
  var note = document.getElementById('publish-note');
  document.getElementById('publish-button').addEventListener('click', function () {
    var list = document.getElementById('publish-changes');
    list.replaceChildren();
    if (changed.diagram) list.appendChild(element('li', {}, T.diagram_changed));
    if (profileChanged()) list.appendChild(element('li', {}, T.profile_changed));
    if (!list.children.length) list.appendChild(element('li', {}, T.nothing_changed));
    list.appendChild(element('li', { 'class': 'text-muted' }, T.kept));
    note.classList.remove('is-invalid');
    dialog.show();
  });
  dialogNode.addEventListener('shown.bs.modal', function () { note.focus(); });
  note.addEventListener('input', function () { note.classList.toggle('is-invalid', !note.value.trim()); });
  document.getElementById('publish-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!note.value.trim()) { note.classList.add('is-invalid'); note.focus(); return; }
    dialog.hide();
    run(data.publish_url, T.publishing, function (payload) {
      changed.published = true;
      window.location.assign(payload.redirect);
    }, note.value.trim());
  });

  // The Spiff properties (spiffworkflow:property name/value) of the selected step: edit, add the known ones.
  var SPIFF_URI = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  var KNOWN_PROPERTIES = ['formJsonSchemaFilename', 'taskKind', 'caseStatus', 'deadlineKind', 'deadlineWorkingDays',
    'deadlineCalendarDays', 'deadlineStart', 'deadlineCapFrom', 'deadlineCapCalendarDays', 'deadlineCap',
    'extensionWorkingDays', 'supplementMode',
    'reminderWorkingDays', 'pausesDeadline'];
  var HUMAN_TASKS = ['bpmn:UserTask', 'bpmn:ManualTask'];

  function propertyHolder(businessObject, create) {
    var moddle = modeler.get('moddle');
    var extensions = businessObject.extensionElements;
    if (!extensions && !create) return null;
    if (!extensions) {
      extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
      extensions.$parent = businessObject;
    }
    var holder = (extensions.values || []).find(function (value) { return value.$type === SPIFF + 'properties'; });
    if (!holder && create) {
      holder = moddle.createAny(SPIFF + 'properties', SPIFF_URI, { $children: [] });
      extensions.values = (extensions.values || []).concat([holder]);
    }
    return holder ? { extensions: extensions, holder: holder } : null;
  }

  function spiffProperties(businessObject) {
    var found = propertyHolder(businessObject, false);
    return found ? (found.holder.$children || []).filter(function (child) { return child.$type === SPIFF + 'property'; }) : [];
  }

  // Values the diagram already uses for a property (and the forms in forms/), offered while typing.
  function suggestions(name) {
    var values = name === 'formJsonSchemaFilename' ? (data.forms || []).slice() : [];
    modeler.get('elementRegistry').forEach(function (shape) {
      spiffProperties(shape.businessObject).forEach(function (property) {
        if (property.name === name && property.value && values.indexOf(property.value) < 0) values.push(property.value);
      });
    });
    return values.sort();
  }

  function recordChange(shape, extensions) {
    // through the command stack, so the modeler knows the diagram changed
    modeler.get('modeling').updateProperties(shape, { extensionElements: extensions });
  }

  function showProperties(shape) {
    var pane = document.getElementById('designer-properties');
    pane.replaceChildren();
    if (!shape) { pane.appendChild(element('p', { 'class': 'small text-muted' }, T.select_task)); return; }
    var properties = spiffProperties(shape.businessObject);
    pane.appendChild(element('div', { 'class': 'fw-bold mb-2', id: 'properties-of' },
      T.selected + ': ' + (shape.businessObject.name || '') + ' (' + shape.id + ')'));
    if (!properties.length) pane.appendChild(element('p', { 'class': 'small text-muted' }, T.no_properties));
    properties.forEach(function (property, index) {
      var id = 'spiff-property-' + index;
      var label = pane.appendChild(element('label', { 'class': 'form-label', 'for': id },
                                           (data.property_titles[property.name] || property.name) + ' '));
      label.appendChild(element('code', { 'class': 'small text-muted' }, property.name));
      var input = element('input', { 'class': 'form-control form-control-sm mb-2 font-monospace', id: id,
                                      'data-property': property.name, list: id + '-values' });
      var options = pane.appendChild(element('datalist', { id: id + '-values' }));
      suggestions(property.name).forEach(function (value) { options.appendChild(element('option', { value: value })); });
      input.value = property.value || '';
      input.addEventListener('change', function () {
        property.value = input.value;
        recordChange(shape, shape.businessObject.extensionElements);
      });
      pane.appendChild(input);
    });
    if (HUMAN_TASKS.indexOf(shape.type) < 0) return;
    var missing = KNOWN_PROPERTIES.filter(function (name) {
      return !properties.some(function (property) { return property.name === name; });
    });
    if (!missing.length) return;
    var row = pane.appendChild(element('div', { 'class': 'input-group input-group-sm mt-2' }));
    var select = row.appendChild(element('select', { 'class': 'form-select', id: 'add-property-name',
                                                       'aria-label': T.add_property }));
    missing.forEach(function (name) {
      select.appendChild(element('option', { value: name }, (data.property_titles[name] || name) + ' (' + name + ')'));
    });
    var add = row.appendChild(element('button', { 'class': 'btn btn-outline-secondary', type: 'button',
                                                   id: 'add-property' }, T.add_property));
    add.addEventListener('click', function () {
      var found = propertyHolder(shape.businessObject, true);
      var property = modeler.get('moddle').createAny(SPIFF + 'property', SPIFF_URI, { name: select.value, value: '' });
      found.holder.$children = (found.holder.$children || []).concat([property]);
      recordChange(shape, found.extensions);
      showProperties(shape);
      var inputs = document.querySelectorAll('#designer-properties input[data-property]');
      inputs[inputs.length - 1].focus();
    });
  }

  modeler.on('selection.changed', function (event) {
    var shape = event.newSelection.length === 1 ? event.newSelection[0] : null;
    showProperties(shape && shape.type !== 'label' ? shape : null);
  });

  // Fit the whole diagram in the canvas right of the palette, so the start event is not hidden under it.
  function fitBesidePalette() {
    var canvas = modeler.get('canvas');
    canvas.zoom('fit-viewport');
    var box = canvas.viewbox(), inner = box.inner, outer = box.outer;
    var container = document.getElementById('designer-canvas');
    var palette = container.querySelector('.djs-palette');
    var left = (palette ? palette.getBoundingClientRect().right - container.getBoundingClientRect().left : 0) + 24;
    var scale = Math.min((outer.width - left - 24) / inner.width, (outer.height - 48) / inner.height, 1);
    canvas.viewbox({ x: inner.x - left / scale, y: inner.y - 24 / scale,
                     width: outer.width / scale, height: outer.height / scale });
  }

  say('secondary', T.loading);
  modeler.importXML(data.bpmn).then(function () {
    fitBesidePalette();
    modeler.on('commandStack.changed', function () { changed.diagram = true; });  // after the import's own
    status.replaceChildren();
    busy(false);
  }).catch(function (error) {
    say('danger', T.load_failed + ' ' + error.message);
  });
})();
