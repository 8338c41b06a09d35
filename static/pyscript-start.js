// Starts PyScript. The page runs under a Content-Security-Policy without
// 'unsafe-eval' (see build.py's CSP); PyScript 0.6.66 compiles its *worker* hooks
// with Function() whenever any are registered, even on the main thread, and core
// registers one of its own (pyscript.fs storage, for workers). This page has no
// workers, so that hook is dropped before PyScript reads the hooks: its public
// `hooks` export is there for plugins to change, and the bootstrap that reads
// them runs asynchronously, after this module's body.
import { hooks } from "../pyscript/core.js";

hooks.worker.onBeforeRunAsync.clear();
