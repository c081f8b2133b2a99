;; Calls the function in table slot 0 (it gives "1"), then puts the other one ("2") into that slot:
;; "1" on every call when each call starts from a just-instantiated table, "2" if the change survived.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (type $digit (func (result i32)))
  (table $t 2 2 funcref)
  (elem (table $t) (i32.const 0) func $one $two)
  (func $one (result i32) (i32.const 49))
  (func $two (result i32) (i32.const 50))
  (func (export "_start")
    (i32.store8 (i32.const 200) (call_indirect $t (type $digit) (i32.const 0)))
    (table.set $t (i32.const 0) (ref.func $two))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
