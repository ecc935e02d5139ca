#!/usr/bin/env bash
# Formats every .cpp and .hpp (tracked, or new and not ignored) with the repository's
# .clang-format: what the build's format check (cmake/format_check.cmake) asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z --cached --others --exclude-standard '*.cpp' '*.hpp' | xargs -0 clang-format -i
