;; The digit loop of the snapshot's numeric sections (nodes, edges, locations), in WebAssembly:
;; it runs about twice as fast as the same loop in JavaScript, and that loop was half of every
;; load. `scripts/buildWasm.js` assembles this file into numberParserWasm.ts; NumberArrayReader
;; (numberArrayReader.ts) copies bytes into the input window and hands the numbers to its sink.
;;
;; One instance per reader, so its state (a number cut by the end of a window, a pending minus
;; sign, numbers not yet taken) is that reader's alone.
(module
  ;; 1 MiB of input, then room for 65,536 numbers as f64: 24 pages of 64 KiB.
  (memory (export "memory") 24 24)
  (global (export "inputBase") i32 (i32.const 0))
  (global (export "inputSize") i32 (i32.const 1048576))
  (global (export "outputBase") i32 (i32.const 1048576))
  (global (export "outputCapacity") i32 (i32.const 65536))

  (global $value (mut i64) (i64.const 0))
  (global $digits (mut i32) (i32.const 0))
  (global $negative (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 1048576))
  (global $status (mut i32) (i32.const 0))

  ;; Numbers written and not yet taken.
  (func (export "count") (result i32)
    (i32.shr_u (i32.sub (global.get $out) (i32.const 1048576)) (i32.const 3)))
  ;; The sink took them.
  (func (export "clear")
    (global.set $out (i32.const 1048576)))
  ;; Why the last parse stopped: 0 input used up or output full, 1 at the closing bracket,
  ;; 2 at a byte that has no place in an array of whole numbers.
  (func (export "status") (result i32)
    (global.get $status))

  ;; Reads bytes [i, end) until the output reaches outEnd; returns where it stopped (the
  ;; bracket or the bad byte when status is 1 or 2).
  (func (export "parse") (param $i i32) (param $end i32) (param $outEnd i32) (result i32)
    (local $c i32) (local $d i32) (local $v i64) (local $o i32)
    (local.set $v (global.get $value))
    (local.set $o (global.get $out))
    (global.set $status (i32.const 0))
    (block $stop
      (loop $next
        (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $d (i32.sub (local.get $c) (i32.const 48)))
        (if (i32.lt_u (local.get $d) (i32.const 10))
          (then
            ;; Most bytes are digits: finish the number in a tight loop.
            (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (block $last
              (loop $digit
                (br_if $last (i32.ge_u (local.get $i) (local.get $end)))
                (local.set $d (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
                (br_if $last (i32.ge_u (local.get $d) (i32.const 10)))
                (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $digit)))
            (global.set $digits (i32.const 1))
            (br $next)))
        ;; Any other byte ends the number before it; a full output stops here, before the byte.
        (if (global.get $digits)
          (then
            (br_if $stop (i32.ge_u (local.get $o) (local.get $outEnd)))
            (f64.store (local.get $o)
              (select
                (f64.neg (f64.convert_i64_u (local.get $v)))
                (f64.convert_i64_u (local.get $v))
                (global.get $negative)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $v (i64.const 0))
            (global.set $digits (i32.const 0))
            (global.set $negative (i32.const 0))))
        (if (i32.eq (local.get $c) (i32.const 93))
          (then (global.set $status (i32.const 1)) (br $stop)))
        (if (i32.eq (local.get $c) (i32.const 45))
          (then (global.set $negative (i32.const 1)))
          (else
            ;; Separators: comma, newline, space, carriage return, tab.
            (if (i32.eqz
                  (i32.or
                    (i32.or (i32.eq (local.get $c) (i32.const 44)) (i32.eq (local.get $c) (i32.const 10)))
                    (i32.or (i32.eq (local.get $c) (i32.const 32))
                      (i32.or (i32.eq (local.get $c) (i32.const 13)) (i32.eq (local.get $c) (i32.const 9))))))
              (then (global.set $status (i32.const 2)) (br $stop)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $value (local.get $v))
    (global.set $out (local.get $o))
    (local.get $i)))
