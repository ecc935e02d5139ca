#pragma once
// Clang's thread-safety attributes (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html):
// they say which mutex guards which member, and which capability a function needs, so that
// `clang -Wthread-safety` rejects an access without the lock. The clang build flavours compile
// with -Wthread-safety -Werror (cmake/neutrino.cmake); on other compilers the
// macros expand to nothing.
//
// std::mutex carries no annotations in libstdc++, so guarded members use neutrino::Mutex and
// MutexLock (common/mutex.hpp); members owned by one thread use a ThreadRole
// (common/thread_role.hpp).

#if defined(__clang__)
#define NEUTRINO_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define NEUTRINO_THREAD_ANNOTATION(x)
#endif

// A type that is a capability (a mutex, a thread role); `x` names its kind in diagnostics.
#define CAPABILITY(x) NEUTRINO_THREAD_ANNOTATION(capability(x))
// An RAII type that holds a capability for its lifetime.
#define SCOPED_CAPABILITY NEUTRINO_THREAD_ANNOTATION(scoped_lockable)
// The member may be read or written only while holding `x`.
#define GUARDED_BY(x) NEUTRINO_THREAD_ANNOTATION(guarded_by(x))
// What the pointer member points at may be touched only while holding `x`.
#define PT_GUARDED_BY(x) NEUTRINO_THREAD_ANNOTATION(pt_guarded_by(x))
// The caller must hold the capabilities.
#define REQUIRES(...) NEUTRINO_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The caller must not hold them (the function takes them itself).
#define EXCLUDES(...) NEUTRINO_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function acquires / releases the capabilities (no argument: `this`).
#define ACQUIRE(...) NEUTRINO_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) NEUTRINO_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) NEUTRINO_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// The function checks at run time that the capability is held, and tells the analysis so.
#define ASSERT_CAPABILITY(x) NEUTRINO_THREAD_ANNOTATION(assert_capability(x))
// The function returns a reference to the capability.
#define RETURN_CAPABILITY(x) NEUTRINO_THREAD_ANNOTATION(lock_returned(x))
// Opts a function out of the analysis; say why next to every use.
#define NO_THREAD_SAFETY_ANALYSIS NEUTRINO_THREAD_ANNOTATION(no_thread_safety_analysis)
