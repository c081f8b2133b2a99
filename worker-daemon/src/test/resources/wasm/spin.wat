;; Never ends: a bare backward branch, the cheapest possible runaway guest.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever (br $forever))))
