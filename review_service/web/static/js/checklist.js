// The review checklist page: a field that belongs to one choice only (data-show-when='{"opinion": "transfer"}')
// shows while that choice is made; hidden, its inputs are disabled so nothing of it is posted. Without this
// script every field shows and the server still enforces which are required.
(function () {
  const form = document.getElementById('checklist-form');
  if (!form) return;
  const conditional = Array.from(form.querySelectorAll('[data-show-when]'));

  function chosen(name) {
    const checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }

  function update() {
    conditional.forEach(function (block) {
      const when = JSON.parse(block.dataset.showWhen);
      const shown = Object.keys(when).every(function (name) {
        const wanted = [].concat(when[name]).map(String);
        return wanted.includes(String(chosen(name)));
      });
      block.hidden = !shown;
      block.querySelectorAll('input, textarea, select').forEach(function (input) { input.disabled = !shown; });
    });
  }

  form.addEventListener('change', update);
  update();
})();
