// Renders a task or submission form from its JSON Schema with json-editor, posts it as JSON in a normal
// CSRF-protected form, and shows the server's field errors beside the fields. The server validates again;
// what the browser checks is only a convenience.
(function () {
  const config = JSON.parse(document.getElementById('form-config').textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  // json-editor does not understand if/then: the server enforces those rules and reports them per field, and a
  // field that belongs to one choice only shows with it (options.dependencies in the schema file).
  function editable(schema) {
    if (Array.isArray(schema)) return schema.map(editable);
    if (!schema || typeof schema !== 'object') return schema;
    const copy = {};
    for (const [key, value] of Object.entries(schema)) {
      if (['allOf', 'if', 'then', 'else', '$schema', '$id', 'not'].includes(key)) continue;
      copy[key] = editable(value);
    }
    if (copy.properties) {  // json-editor orders fields by name unless told; keep the schema's order
      Object.values(copy.properties).forEach((property, index) => { property.propertyOrder = index + 1; });
    }
    if (copy.properties && copy.properties.attachment_ids) {
      copy.properties.attachment_ids.items = Object.assign({}, copy.properties.attachment_ids.items, {
        format: 'url', title: config.texts.attachment,
        options: { upload: { upload_handler: 'uploadAttachment', auto_upload: true, title: config.texts.browse } }
      });
    }
    if (copy.type === 'array' && copy.uniqueItems && copy.items && copy.items.enum && !copy.format) {
      copy.format = 'checkbox';  // a multiple choice as checkboxes, not a list box that needs Ctrl-click
    }
    if (copy.type === 'string' && !copy.enum && !copy.format && (copy.maxLength || 0) > 300) copy.format = 'textarea';
    if (copy.type === 'boolean' && !(copy.options && copy.options.enum_titles)) {  // json-editor says true/false
      copy.options = Object.assign({}, copy.options, { enum_titles: [config.texts.yes, config.texts.no] });
    }
    return copy;
  }

  // json-editor's upload field, given a kept value (a refused form, a draft), shows it as an image read
  // from a link the field does not have, and fails (a script error); an attachment id has no image.
  const Upload = JSONEditor.defaults.editors.upload;
  const afterInputReady = Upload.prototype.afterInputReady;
  Upload.prototype.afterInputReady = function () {
    if (this.value && !this.container.querySelector('a')) { this.theme.afterInputReady(this.input); return; }
    afterInputReady.call(this);
  };

  JSONEditor.defaults.callbacks = {
    upload: {
      uploadAttachment: function (jseditor, type, file, cbs) {
        const body = new FormData();
        body.append('file', file);
        fetch(config.uploadUrl, { method: 'POST', body: body, headers: { 'X-CSRFToken': csrf } })
          .then(response => response.json().then(json => ({ ok: response.ok, json: json })))
          .then(({ ok, json }) => {
            if (ok) {
              cbs.success(json.id);
              const note = document.createElement('div');
              note.className = 'small text-success uploaded-file';
              note.textContent = json.filename;
              translatePreview(jseditor.preview);
              if (jseditor.fileDisplay) { jseditor.fileDisplay.value = json.filename; jseditor.fileDisplay.dataset.named = 'true'; }
              jseditor.container.appendChild(note);
            } else {
              cbs.failure(json.error ? json.error.message : String(json));
            }
          })
          .catch(error => cbs.failure(String(error)));
      }
    }
  };

  const element = document.getElementById('form-editor');
  const options = {
    schema: editable(config.schema),
    theme: 'bootstrap5',
    iconlib: 'bootstrap',
    disable_edit_json: true,
    disable_properties: true,
    disable_collapse: true,
    disable_array_delete_all_rows: true,
    disable_array_delete_last_row: true,
    no_additional_properties: true,
    show_errors: 'interaction',
    prompt_before_delete: false,
    use_default_values: false  // an untouched optional number stays absent, never 0 (a correction must not zero a fine)
  };
  if (config.startval) options.startval = config.startval;
  const editor = new JSONEditor(element, options);
  window.formEditor = editor;

  // The value a field had when the server refused the form ('root.a.0.b' walks startval).
  function refusedValue(path) {
    return path.split('.').slice(1).reduce((value, key) => (value == null ? undefined : value[key]), config.startval);
  }

  // The field's value is empty: nothing typed, so no format error for it (an optional field stays absent).
  function isEmpty(field) {
    return withoutEmpty(field.getValue()) === undefined;
  }

  // What shows beside the fields: the server's messages until their field is changed, and json-editor's
  // own messages only for a field the user has touched and filled in. "Required" is the server's to say
  // (at submit); nothing shows on a blank form.
  function showErrors() {
    const server = (config.errors || []).filter(error => {
      const field = editor.getEditor(error.path);
      return !field || JSON.stringify(withoutEmpty(field.getValue())) === JSON.stringify(refusedValue(error.path));
    });
    const serverPaths = new Set(server.map(error => error.path));
    const own = editor.validate().filter(error => {
      const field = editor.getEditor(error.path);
      return !serverPaths.has(error.path) && error.property !== 'required' && error.property !== 'minItems' &&
        field && field.is_dirty && !isEmpty(field);
    });
    editor.showValidationErrors(server.concat(own));
  }

  function showServerErrors() {
    if (!config.errors || !config.errors.length) return;
    for (const error of config.errors) {  // the first failing field comes into view
      const field = editor.getEditor(error.path);
      if (field && field.container) { field.container.scrollIntoView({ block: 'center' }); break; }
    }
  }

  // A link of the error list puts the cursor in its field.
  function focusField(path) {
    const field = editor.getEditor(path);
    if (!field || !field.container) return false;
    const input = field.input || field.container.querySelector('input, select, textarea, button');
    field.container.scrollIntoView({ block: 'center' });
    if (input) input.focus();
    return true;
  }

  document.querySelectorAll('.form-error-link').forEach(link => {
    link.addEventListener('click', event => { if (focusField(link.dataset.path)) event.preventDefault(); });
  });

  // json-editor's upload field says "No file selected." in English; say it in Chinese, and name a kept file.
  const PREVIEW_WORDS = { 'Name:': config.texts.name, 'Type:': config.texts.type, 'Size:': config.texts.size };

  function translatePreview(preview) {
    if (!preview) return;
    preview.querySelectorAll('strong').forEach(label => {
      if (PREVIEW_WORDS[label.textContent]) label.textContent = PREVIEW_WORDS[label.textContent];
    });
    preview.querySelectorAll('button').forEach(button => {
      if (button.textContent.trim() === 'Upload') button.textContent = config.texts.upload;
    });
  }

  function labelUploads() {
    for (const field of Object.values(editor.editors)) {
      if (!field || !field.fileDisplay) continue;
      translatePreview(field.preview);
      const value = field.getValue();
      if (!field.fileDisplay.dataset.named || !value) {
        field.fileDisplay.value = value ? config.texts.kept.replace('{id}', value) : config.texts.noFile;
      }
    }
  }

  // json-editor's startval drops every optional field the saved data lacks; put them back so the user
  // can still fill them in after a refusal or from a draft.
  function restoreOptionalFields() {
    for (const field of Object.values(editor.editors)) {
      if (!field || !field.schema || !field.schema.properties || typeof field.addObjectProperty !== 'function') continue;
      let added = false;
      for (const key of Object.keys(field.schema.properties)) {
        if (!field.editors[key]) { field.addObjectProperty(key); added = true; }
      }
      if (added && typeof field.layoutEditors === 'function') field.layoutEditors();
    }
  }

  // json-editor 2.17 leaves number fields empty when they come from startval (use_default_values is off
  // and the field is not "dirty"), so a refused form or a draft would lose its amounts: set every value
  // that did not arrive again through its own field editor.
  function reapplyStartValues(value, path) {
    const listOfValues = Array.isArray(value) && value.every(item => item === null || typeof item !== 'object');
    if (value && typeof value === 'object' && !listOfValues) {  // an object, or a list of objects: go inside
      for (const [key, item] of Object.entries(value)) reapplyStartValues(item, path + '.' + key);
      return;
    }
    const field = editor.getEditor(path);
    if (!field || JSON.stringify(field.getValue()) === JSON.stringify(value)) return;
    if (field.input && field.input.tagName === 'INPUT' && field.input.type !== 'checkbox') {
      field.input.value = String(value);  // as if typed: the editor then keeps it (setValue alone would not)
      field.input.dispatchEvent(new Event('change'));
    } else {
      field.setValue(value);
    }
  }

  editor.on('ready', function () {
    if (config.startval) {
      restoreOptionalFields();
      reapplyStartValues(config.startval, 'root');
    }
    labelUploads();
    showErrors();
    editor.on('change', showErrors);  // json-editor shows its own messages on every change; show ours instead
    editor.on('change', labelUploads);
    showServerErrors();
    element.dataset.ready = 'true';  // the form is built and filled (browser tests wait for it)
  });

  // Fields left empty are left out, so an optional field is absent rather than an empty string.
  function withoutEmpty(value) {
    if (Array.isArray(value)) {
      const items = value.map(withoutEmpty).filter(v => v !== undefined);
      return items.length ? items : undefined;
    }
    if (value && typeof value === 'object') {
      const result = {};
      for (const [key, item] of Object.entries(value)) {
        const kept = withoutEmpty(item);
        if (kept !== undefined) result[key] = kept;
      }
      return Object.keys(result).length ? result : undefined;
    }
    return value === '' || value === null ? undefined : value;
  }

  const form = document.getElementById('json-form');
  form.addEventListener('submit', function () {
    form.querySelector('input[name="data"]').value = JSON.stringify(withoutEmpty(editor.getValue()) || {});
  });
})();
