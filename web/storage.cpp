// Emscripten side of app/storage.h: the personal model and the user's
// examples in the browser's IndexedDB (database "digits", object store
// "personal", key "current": {model, examples} as Uint8Arrays), exports as
// downloads, and #prediction's data-personal-examples.
#include "storage.h"

#include <emscripten.h>

#include <cstddef>
#include <string>

#include "app_state.h"
#include "bridge.h"
#include "panel_learn.h"

namespace {
app::AppState* g_state = nullptr;  // where a stored model arrives (set by request_personal)
}

// Called from JavaScript when IndexedDB had a stored personal model.
extern "C" EMSCRIPTEN_KEEPALIVE void digits_restore_personal(const unsigned char* model, int model_size,
                                                             const unsigned char* examples, int examples_size) {
  if (g_state == nullptr) return;
  app::restore_personal(*g_state, model, static_cast<std::size_t>(model_size), examples,
                        static_cast<std::size_t>(examples_size));
}

// clang-format off
// The stored value's keys are quoted: Closure Compiler (the page's link)
// renames unquoted properties, and stored values outlive a build.
// A missing or failing IndexedDB (private windows, old browsers) only means
// nothing is remembered: a warning in the console, never an error.
EM_JS(void, js_storage_request, (), {
  if (!window.indexedDB) return;
  const open = indexedDB.open('digits', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('personal');
  open.onerror = () => console.warn('digits: IndexedDB unavailable, your handwriting is not remembered');
  open.onsuccess = () => {
    const get = open.result.transaction('personal').objectStore('personal').get('current');
    get.onsuccess = () => {
      const v = get.result;
      if (!v) return;
      const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x instanceof ArrayBuffer ? x : 0));
      const model = bytes(v['model']), examples = bytes(v['examples']);
      const mp = _malloc(Math.max(1, model.length)), ep = _malloc(Math.max(1, examples.length));
      HEAPU8.set(model, mp);
      HEAPU8.set(examples, ep);
      _digits_restore_personal(mp, model.length, ep, examples.length);
      _free(mp);
      _free(ep);
    };
  };
});

EM_JS(void, js_storage_put, (const unsigned char* model, int model_size, const unsigned char* examples, int examples_size), {
  if (!window.indexedDB) return;
  const value = {'model': HEAPU8.slice(model, model + model_size), 'examples': HEAPU8.slice(examples, examples + examples_size)};
  const open = indexedDB.open('digits', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('personal');
  open.onerror = () => console.warn('digits: IndexedDB unavailable, your handwriting is not remembered');
  open.onsuccess = () => {
    const tx = open.result.transaction('personal', 'readwrite');
    tx.objectStore('personal').put(value, 'current');
    tx.oncomplete = () => {
      const el = document.getElementById('prediction');
      if (el) el.setAttribute('data-personal-stored', 'true');
    };
  };
});

EM_JS(void, js_storage_forget, (), {
  if (!window.indexedDB) return;
  const open = indexedDB.open('digits', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('personal');
  open.onsuccess = () => {
    const tx = open.result.transaction('personal', 'readwrite');
    tx.objectStore('personal').delete('current');
    tx.oncomplete = () => {
      const el = document.getElementById('prediction');
      if (el) el.setAttribute('data-personal-stored', 'false');
    };
  };
});

EM_JS(void, js_download, (const char* name, const unsigned char* bytes, int size), {
  const blob = new Blob([HEAPU8.slice(bytes, bytes + size)], {type: 'application/octet-stream'});
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
});

EM_JS(void, js_publish_learning, (int pending, double step_ms), {
  const el = document.getElementById('prediction');
  if (!el) return;
  el.setAttribute('data-learn-pending', String(pending));
  el.setAttribute('data-learn-step-ms', step_ms.toFixed(3));
});

EM_JS(void, js_publish_learn_text, (const char* model, const char* message), {
  const el = document.getElementById('prediction');
  if (!el) return;
  el.setAttribute('data-model', UTF8ToString(model));
  el.setAttribute('data-learn-message', UTF8ToString(message));
});

EM_JS(void, js_publish_personal, (int count), {
  const el = document.getElementById('prediction');
  if (el) el.setAttribute('data-personal-examples', String(count));
});
// clang-format on

namespace app::storage {

void request_personal(AppState& s) {
  g_state = &s;
  js_storage_request();
}

void save_personal(const std::string& model, const std::string& examples) {
  js_storage_put(reinterpret_cast<const unsigned char*>(model.data()), static_cast<int>(model.size()),
                 reinterpret_cast<const unsigned char*>(examples.data()), static_cast<int>(examples.size()));
}

void forget_personal() { js_storage_forget(); }

std::string export_file(const std::string& name, const std::string& bytes) {
  js_download(name.c_str(), reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  return "Exported " + name + " (" + std::to_string(bytes.size() / 1024) +
         " KB): load it with \"Load weights file\" "
         "or score it with `digits evaluate --weights " +
         name + "`.";
}

void publish_personal_examples(int count) { js_publish_personal(count); }

void publish_learning(int pending, double step_ms) { js_publish_learning(pending, step_ms); }

void publish_learn_text(const std::string& model, const std::string& message) {
  js_publish_learn_text(model.c_str(), message.c_str());
}

void publish_button_rect(const char* name, float x, float y, float width, float height) {
  bridge::publish_rect(name, x, y, width, height);
}

}  // namespace app::storage
