// Instantiates the app's WebAssembly from `digitsWasmGzip`: the gzip of
// digits.wasm as base64, which cmake/pack_wasm.py puts in front of digits.js.
// One script and no fetch of a .wasm file, so the page also opens from
// file://; compressing before base64 (the browser's own DecompressionStream
// undoes it) keeps the page's gzip weight near the wasm's own gzip size
// instead of a third above it. Emscripten calls this instead of fetching.
// The variable comes after Closure Compiler has seen this file: read by name.
// The base64 is decoded in one call where the browser has it
// (Uint8Array.fromBase64; fetching it as a data: URL took 130 ms here), and
// the wasm compiles while it is being decompressed (instantiateStreaming).
Module['instantiateWasm'] = function (imports, receiveInstance) {
  const base64 = globalThis['digitsWasmGzip'];
  const packed = Uint8Array['fromBase64']
    ? Promise.resolve(new Response(Uint8Array['fromBase64'](base64)))
    : fetch('data:application/octet-stream;base64,' + base64);
  packed
    .then((response) => {
      const wasm = new Response(response.body.pipeThrough(new DecompressionStream('gzip')),
        { headers: { 'Content-Type': 'application/wasm' } });
      return WebAssembly.instantiateStreaming(wasm, imports);
    })
    .then((result) => receiveInstance(result.instance, result.module))
    .catch((error) => {
      const message = 'cannot start the app: ' + error;
      if (Module['printErr']) Module['printErr'](message);
      throw new Error(message);
    });
  return {};  // the exports arrive through receiveInstance
};
