;; Has a start section (runs at instantiation) that counts in a global; _start prints the count.
;; Instantiated anew for every call (a reset would not run the start section again): "1" every time.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $runs (mut i32) (i32.const 0))
  (func $init (global.set $runs (i32.add (global.get $runs) (i32.const 1))))
  (start $init)
  (func (export "_start")
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (global.get $runs)))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
