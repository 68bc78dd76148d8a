// The webview type-checks src/ files it imports types from (protocol.ts and what it names) under the
// DOM lib, without @types/node. src/common/cancellation.ts calls `timer.unref?.()` on a setTimeout
// handle, which is a number in the DOM typings; this lets that one optional call type-check there.
// Nothing in webview/ may use it (the bundle never contains cancellation.ts).
interface Number {
  unref?(): void;
}
