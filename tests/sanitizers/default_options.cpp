// Built into every executable of a sanitizer flavour (tests, daemons, fuzzers): the options the
// sanitizers read before $TSAN_OPTIONS / $ASAN_OPTIONS / $UBSAN_OPTIONS / $LSAN_OPTIONS, which
// still win. A report fails the run: the process exits non-zero (TSan and LSan at exit, ASan
// and UBSan at once). NEUTRINO_SANITIZER_DIR (CMake) holds the suppression files.
extern "C" {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
const char* __tsan_default_options() {
  // second_deadlock_stack: a lock-order report shows where both locks were taken.
  return "second_deadlock_stack=1:history_size=4:suppressions=" NEUTRINO_SANITIZER_DIR
         "/thread.supp";
}
#endif

#if __has_feature(address_sanitizer)
const char* __asan_default_options() {
  return "detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:"
         "strict_init_order=1:strict_string_checks=1";
}
const char* __lsan_default_options() {
  return "suppressions=" NEUTRINO_SANITIZER_DIR "/address.supp";
}
const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}
#endif
#endif
}
