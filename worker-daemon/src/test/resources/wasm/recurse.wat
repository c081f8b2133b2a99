;; Unbounded recursion: each call adds one to its argument and calls itself again.
(module
  (memory (export "memory") 1)
  (func $deeper (param $n i64) (result i64)
    (i64.add (call $deeper (i64.add (local.get $n) (i64.const 1))) (i64.const 1)))
  (func (export "_start")
    (drop (call $deeper (i64.const 0)))))
