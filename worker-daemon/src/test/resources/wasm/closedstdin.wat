;; Closes its stdin, then reads from it: prints the errno fd_read answered ("8", EBADF, when the
;; close took effect; "0" if the read still reached the body).
(module
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $fd_close (i32.const 0)))
    ;; iovec at 16: 64 bytes at 1024
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 64))
    (i32.store8 (i32.const 200) (i32.add (i32.const 48)
      (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 32))))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
