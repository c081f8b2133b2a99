;; Counts its calls in a global and in memory, and prints both: "11" on every call when each call
;; gets a fresh instance, "22", "33"... if anything survived from the previous one.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "_start")
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 1)))
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (global.get $calls)))
    (i32.store8 (i32.const 201) (i32.add (i32.const 48) (i32.load (i32.const 100))))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
