"""Runs integration test modules against a sanitizer flavour's daemons and fails when any of
their processes wrote a sanitizer report.

    NEUTRINO_BIN_DIR=build-tsan/bin python3 sanitized.py test_controller_smoke

The sanitizers are told to write their reports to files in a fresh directory (log_path,
appended to the options the binaries carry, tests/sanitizers/default_options.cpp) instead of
the daemons' logs: a report from a daemon that goes on serving (ThreadSanitizer, a leak found at
exit) would otherwise pass unnoticed. After the tests, every report is printed and any report
is a failure, even when the tests themselves passed.
"""

import glob
import os
import subprocess
import sys
import tempfile

SANITIZER_OPTIONS = ("TSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


def main(modules):
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory(prefix="neutrino-sanitizer-") as reports:
        env = dict(os.environ)
        for name in SANITIZER_OPTIONS:
            options = [o for o in (env.get(name), "log_path=%s/report" % reports) if o]
            env[name] = ":".join(options)
        code = subprocess.call([sys.executable, "-m", "unittest", "-v"] + modules, env=env,
                               cwd=here)
        found = sorted(glob.glob(os.path.join(reports, "report*")))
        for path in found:
            with open(path, errors="replace") as f:
                sys.stderr.write("=== sanitizer report %s\n%s\n" % (os.path.basename(path),
                                                                       f.read()))
        if found:
            sys.stderr.write("FAILED: %d sanitizer report(s)\n" % len(found))
            return 1
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
